"""`dotdo`: serve the protocol fronts on a data directory, show a demo, describe a store."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
import traceback

from . import auth, plugins, tls
from .runtime import Runtime
from .store import Store, resolve_path

DESCRIPTION = """\
dotdo serves the protocols of familiar databases (Redis, PostgreSQL, MongoDB, ...) from
sharded SQLite files: no database server to install.

  dotdo demo                    one call through each installed drop-in's genuine client
  dotdo serve                   serve every installed protocol on ./.dotdo (or --data DIR)
  dotdo serve redis --port redis=6390
                                serve only Redis, on port 6390
  dotdo info                    namespaces, shards and sizes in a data directory
  dotdo user add NAME --tenant T
                                a user who may connect (SCRAM-SHA-256 / AUTH), seeing tenant T only
  dotdo serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem
                                serve beyond this machine: needs a user, TLS recommended

The data directory is --data, else $DOTDO_DATA, else ./.dotdo.
"""


def _fronts_or_exit(names: list[str]):
    installed = plugins.installed()
    if not installed:
        sys.exit("dotdo: no drop-in packages are installed (pip install dotdo-redis, ...)")
    unknown = [n for n in names if n not in installed]
    if unknown:
        sys.exit(f"dotdo: unknown protocol(s) {', '.join(unknown)}; installed: {', '.join(installed)}")
    available = plugins.fronts(names)
    if not available:
        sys.exit("dotdo: none of the drop-ins asked for could be loaded")
    return {n: available[n] for n in (names or available) if n in available}


def _parse_ports(specs: list[str]) -> dict[str, int]:
    ports = {}
    for spec in specs:
        name, sep, port = spec.partition("=")
        if not sep or not port.isdigit():
            sys.exit(f"dotdo: --port wants NAME=PORT (e.g. redis=6390), not {spec!r}")
        ports[name] = int(port)
    return ports


def cmd_serve(args: argparse.Namespace) -> int:
    fronts = _fronts_or_exit(args.protocols)
    ports = _parse_ports(args.port)
    store = Store.shared(args.data, sync=args.sync)
    if args.tls_key and not args.tls_cert:
        print("dotdo: --tls-key needs --tls-cert", file=sys.stderr)
        return 1
    try:
        context = tls.server_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    except (OSError, ValueError) as e:
        print(f"dotdo: cannot load the TLS certificate/key: {e}", file=sys.stderr)
        return 1
    if args.max_blocking_wait is not None:
        # Read by the fronts that block (Redis BLPOP/XREAD/WAIT ...) when they are built below.
        os.environ["DOTDO_MAX_BLOCKING_WAIT"] = str(args.max_blocking_wait)
    if args.max_script_time is not None:
        os.environ["DOTDO_MAX_SCRIPT_TIME"] = str(args.max_script_time)
    # Read by the SQL and MongoDB engines for every connection they serve.
    if args.max_query_time is not None:
        os.environ["DOTDO_MAX_QUERY_TIME"] = str(args.max_query_time)
    if args.max_query_rows is not None:
        os.environ["DOTDO_MAX_QUERY_ROWS"] = str(args.max_query_rows)
    # Read by fronts that report the limit to clients (Redis's CONFIG GET maxclients, INFO clients).
    os.environ["DOTDO_MAX_CONNECTIONS"] = str(args.max_connections)
    runtime = Runtime(store, tls=context, max_connections=args.max_connections)
    runtime.start()
    try:
        for name, front in fronts.items():
            path = os.path.join(args.unix_dir, f"{name}.sock") if args.unix_dir else None
            listener = runtime.listen(front, host=args.host, port=ports.get(name), fallback_port=name not in ports)
            note = "" if name in ports or listener.port == front.default_port else f" (port {front.default_port} was busy)"
            print(f"{name:<14} listening on {listener.address}{note}", flush=True)
            if path:
                unix = runtime.listen(front, path=path)
                print(f"{name:<14} listening on {unix.address}", flush=True)
    except (OSError, PermissionError) as e:
        runtime.stop()
        print(f"dotdo: {e}", file=sys.stderr)
        return 1
    users = len(auth.list_users(store))
    access = f"{users} user(s), authentication required" if users else "no users: no authentication (loopback only)"
    print(f"data directory {store.path}; {access}; {'TLS' if context else 'no TLS'}; Ctrl-C stops", flush=True)
    runtime.run_forever()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    demos = plugins.demos()
    if not demos:
        print("dotdo: no drop-in packages are installed", file=sys.stderr)
        return 1
    data = args.data or tempfile.mkdtemp(prefix="dotdo-demo-")
    print(f"data directory: {resolve_path(data)}")
    failed = 0
    for name, demo in demos.items():
        print(f"\n== {name}")
        try:
            for call, answer in demo(data):
                print(f"  {call}\n    → {answer}")
        except Exception:
            failed += 1
            traceback.print_exc()
    return 1 if failed else 0


def cmd_info(args: argparse.Namespace) -> int:
    path = resolve_path(args.data)
    if path != ":memory:" and not os.path.exists(os.path.join(path, "catalog.db")):
        print(f"dotdo: no dotdo data directory at {path}", file=sys.stderr)
        return 1
    store = Store(path)
    rows = store.info()
    print(f"data directory {store.path}: {len(rows)} namespace(s)")
    if rows:
        print(f"  {'namespace':<30} {'kind':<12} {'shards':>6} {'bytes':>12}")
        for r in rows:
            print(f"  {r['name']:<30} {r['kind']:<12} {r['shards']:>6} {r['bytes']:>12}")
    store.close()
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return args.password
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            sys.exit("dotdo: the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args: argparse.Namespace) -> int:
    store = Store(args.data)
    try:
        if args.action == "add":
            user = auth.add_user(store, args.name, _password(args), tenant=args.tenant, replace=args.replace)
            print(f"user {user.name} (tenant {user.tenant or '(unprefixed)'}) added")
        elif args.action == "remove":
            if not auth.remove_user(store, args.name):
                print(f"dotdo: no user {args.name!r}", file=sys.stderr)
                return 1
            print(f"user {args.name} removed")
        else:
            users = auth.list_users(store)
            for user in users:
                print(f"{user.name}\ttenant={user.tenant or '(unprefixed)'}\t{'on' if user.enabled else 'off'}")
            if not users:
                print("no users: served protocols ask for no authentication and bind loopback only")
    except auth.AuthError as e:
        print(f"dotdo: {e}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dotdo", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve protocol fronts over TCP (and unix sockets)")
    serve.add_argument("protocols", nargs="*", help="which to serve (default: every installed drop-in)")
    serve.add_argument("--data", help="data directory (default $DOTDO_DATA or ./.dotdo)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", action="append", default=[], metavar="NAME=PORT",
                       help="port for one protocol; repeatable. Without it the vendor's default port is used, or a free one if that is busy")
    serve.add_argument("--unix-dir", help="also listen on NAME.sock unix sockets in this directory")
    serve.add_argument("--sync", choices=["normal", "full"], default="normal",
                       help="normal: every acknowledged write survives a process crash (default); full: also power loss")
    serve.add_argument("--tls-cert", metavar="FILE", help="PEM certificate (chain): serve every TCP listener over TLS")
    serve.add_argument("--tls-key", metavar="FILE", help="PEM private key for --tls-cert (if not in the same file)")
    serve.add_argument("--max-connections", type=int, default=10_000, metavar="N",
                       help="connections served at once per protocol; more are refused with the protocol's error (default 10000)")
    serve.add_argument("--max-blocking-wait", type=float, metavar="SECONDS",
                       help="longest a blocking command (BLPOP, XREAD BLOCK ...) may wait, even with timeout 0; "
                            "past it the client gets an error naming this limit (default: no limit, as Redis)")
    serve.add_argument("--max-script-time", type=float, metavar="SECONDS",
                       help="longest a Redis Lua script may run; past it the script stops with an error naming this "
                            "limit and its writes roll back (default: no limit)")
    serve.add_argument("--max-query-time", type=float, metavar="SECONDS",
                       help="longest one SQL statement or MongoDB command may run (a server-wide statement_timeout / "
                            "maxTimeMS; a client's smaller one still applies); its writes roll back (default: no limit)")
    serve.add_argument("--max-query-rows", type=int, metavar="N",
                       help="rows one SQL statement, or documents one MongoDB command, may examine (see "
                            "docs/security.md for how each engine counts); past it the query fails with an error "
                            "naming this limit and its writes roll back (default: no limit)")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="show one call through each drop-in's genuine client")
    demo.add_argument("--data", help="data directory (default: a new temporary one)")
    demo.set_defaults(func=cmd_demo)

    info = sub.add_parser("info", help="namespaces, shards and sizes in a data directory")
    info.add_argument("--data", help="data directory (default $DOTDO_DATA or ./.dotdo)")
    info.set_defaults(func=cmd_info)

    user = sub.add_parser("user", help="users who may connect to the served protocols, each seeing one tenant")
    user_sub = user.add_subparsers(dest="action", required=True)
    add = user_sub.add_parser("add", help="add a user (password from --password, else asked, else one line of stdin)")
    add.add_argument("name")
    add.add_argument("--tenant", help="namespace prefix the user sees (default: the user's name; '' = the unprefixed namespaces)")
    add.add_argument("--password", help="the password (visible in the process list; prefer stdin)")
    add.add_argument("--replace", action="store_true", help="replace an existing user of that name")
    remove = user_sub.add_parser("remove", help="remove a user (the tenant's data stays)")
    remove.add_argument("name")
    user_sub.add_parser("list", help="list the users and their tenants")
    for p in (add, remove, user_sub.choices["list"]):
        p.add_argument("--data", help="data directory (default $DOTDO_DATA or ./.dotdo)")
    user.set_defaults(func=cmd_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
