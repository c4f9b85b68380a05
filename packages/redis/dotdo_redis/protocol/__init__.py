"""RESP on the wire: request parsing, reply encoding and the connection loop."""
