"""The Python client of `make bench`: libzoomws driven from Python.

    python3 py_binding_bench.py throughput COUNT | latency COUNT SKIP FILE | idle

With bindings/python present it uses the binding (zoomws.Client.from_env, client.on("*"),
event.name and event.get(path), client.run()); without it (or with BENCH_PY_IMPL=ctypes), a
minimal ctypes client below that reads the field through zws_event_get_str. The JSON result
says which ("impl").

Library: $ZOOMWS_LIB, else build/libzoomws.so. Configuration: the ZOOM_* variables.
"""
import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.environ.get("ZOOMWS_LIB") or os.path.join(HERE, "..", "..", "build", "libzoomws.so")
STATE_OPEN, STATE_CLOSED = 5, 8

lib = ctypes.CDLL(LIB)
EVENT_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
STATE_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
for name, res, args in [
    ("zws_client_new", ctypes.c_void_p, []),
    ("zws_client_free", None, [ctypes.c_void_p]),
    ("zws_client_config_from_env", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_client_on", ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, EVENT_CB, ctypes.c_void_p]),
    ("zws_client_set_state_cb", ctypes.c_int, [ctypes.c_void_p, STATE_CB, ctypes.c_void_p]),
    ("zws_client_connect", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_client_get_fd", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_client_dispatch", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_client_stop", None, [ctypes.c_void_p]),
    ("zws_client_state", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_client_last_error", ctypes.c_char_p, [ctypes.c_void_p]),
    ("zws_status_state", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_status_permanent", ctypes.c_int, [ctypes.c_void_p]),
    ("zws_event_name", ctypes.c_char_p, [ctypes.c_void_p]),
    ("zws_event_get_str", ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_char_p]),
    ("zws_event_get_int", ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int64)]),
]:
    fn = getattr(lib, name)
    fn.restype, fn.argtypes = res, args


class Client:
    """Just enough of a binding: handlers get (name, event) and read fields through get_str."""

    impl = "ctypes"

    def __init__(self):
        self.c = lib.zws_client_new()
        if lib.zws_client_config_from_env(self.c) < 0:
            sys.exit("bad ZOOM_* configuration")
        self._keep = []
        self.opened = False
        self.permanent = False

        def on_state(client, st, user):
            if lib.zws_status_state(st) == STATE_OPEN and not self.opened:
                self.opened = True
                print("OPEN", flush=True)
            if lib.zws_status_permanent(st):
                self.permanent = True

        self._keep.append(STATE_CB(on_state))
        lib.zws_client_set_state_cb(self.c, self._keep[-1], None)

    def on(self, pattern, fn):
        cb = EVENT_CB(lambda client, ev, user: fn(Event(ev)))
        self._keep.append(cb)
        lib.zws_client_on(self.c, pattern.encode(), cb, None)

    def run(self):
        lib.zws_client_connect(self.c)
        p = select.poll()
        p.register(lib.zws_client_get_fd(self.c), select.POLLIN)
        while lib.zws_client_state(self.c) != STATE_CLOSED:
            p.poll()
            if lib.zws_client_dispatch(self.c) < 0 or self.permanent:
                sys.exit("client failed: " + lib.zws_client_last_error(self.c).decode())

    def stop(self):
        lib.zws_client_stop(self.c)


class Event:
    __slots__ = ("ev",)

    def __init__(self, ev):
        self.ev = ev

    @property
    def name(self):
        return lib.zws_event_name(self.ev).decode()

    def get_str(self, path):
        v = lib.zws_event_get_str(self.ev, path.encode())
        return None if v is None else v.decode()

    def get_int(self, path):
        out = ctypes.c_int64()
        return out.value if lib.zws_event_get_int(self.ev, path.encode(), ctypes.byref(out)) == 0 else None


def binding_client():
    """The real binding, adapted to the few calls main() makes; None when it is not there."""
    if os.environ.get("BENCH_PY_IMPL") == "ctypes":
        return None
    sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
    try:
        import zoomws
    except ImportError:
        return None

    class Adapter:
        impl = "binding"

        def __init__(self):
            self.c = zoomws.Client.from_env(library=LIB)
            self.opened = False

            def on_state(st):
                if st.state == zoomws.State.OPEN and not self.opened:
                    self.opened = True
                    print("OPEN", flush=True)
            self.c.on_state(on_state)

        def on(self, pattern, fn):
            self.c.on(pattern, lambda ev: fn(BindingEvent(ev)))

        def run(self):
            self.c.run()

        def stop(self):
            self.c.stop()

    class BindingEvent:
        __slots__ = ("ev",)

        def __init__(self, ev):
            self.ev = ev

        @property
        def name(self):
            return self.ev.name

        def get_str(self, path):
            v = self.ev.get(path)
            return v if isinstance(v, str) else None

        def get_int(self, path):
            v = self.ev.get(path)
            return v if isinstance(v, int) else None

    return Adapter()


def cpu_s():
    t = os.times()
    return t.user + t.system


def main():
    mode = sys.argv[1]
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    skip = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    client = binding_client() or Client()
    r = {"seen": 0, "bad": 0, "t0": 0.0, "t1": 0.0, "cpu0": 0.0, "cpu1": 0.0}
    lat = []

    def on_throughput(ev):
        if r["seen"] == 0:
            r["t0"], r["cpu0"] = time.monotonic(), cpu_s()
        who = ev.get_str("payload.object.participant.user_name")
        if ev.name != "meeting.participant_joined" or not who:
            r["bad"] += 1
        r["seen"] += 1
        if r["seen"] == want:
            r["t1"], r["cpu1"] = time.monotonic(), cpu_s()
            client.stop()

    def on_latency(ev):
        t = time.time_ns() // 1000
        sent = ev.get_int("sent_us")
        if not ev.get_str("payload.object.participant.user_name") or not sent:
            r["bad"] += 1
        if r["seen"] >= skip:
            lat.append((sent, t - sent))
        r["seen"] += 1
        if r["seen"] == want:
            client.stop()

    if mode == "throughput":
        client.on("*", on_throughput)
    elif mode == "latency":
        client.on("*", on_latency)
    signal.signal(signal.SIGTERM, lambda *a: client.stop())
    client.run()
    name = "python-libzoomws-" + client.impl
    if mode == "throughput":
        print(json.dumps({"client": name, "events": r["seen"], "bad": r["bad"], "wall_s": r["t1"] - r["t0"],
                          "cpu_s": r["cpu1"] - r["cpu0"],
                          "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    elif mode == "latency":
        with open(sys.argv[4], "w") as f:
            f.write("".join(f"{s} {v}\n" for s, v in lat))
        print(json.dumps({"client": name, "events": r["seen"], "bad": r["bad"], "samples": len(lat)}))
    else:
        print(json.dumps({"client": name, "cpu_s": cpu_s(),
                          "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
