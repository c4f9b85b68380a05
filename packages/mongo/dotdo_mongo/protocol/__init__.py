"""The MongoDB wire protocol: message framing (wire.py) and the connection loop (connection.py)."""
