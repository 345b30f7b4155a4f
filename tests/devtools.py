"""Headless Chromium driven through the DevTools protocol over a pipe.

``--window-size`` cannot make a page narrower than about 500 px in headless Chromium, so
phone layouts are measured with ``Emulation.setDeviceMetricsOverride`` instead: the
protocol's messages are JSON separated by NUL bytes on file descriptors 3 (to Chromium) and
4 (from it) with ``--remote-debugging-pipe``, which needs no library and no network port.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

__all__ = ["CHROMIUM", "Browser"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium; ``open(url, width)`` gives a tab to ``evaluate`` scripts in."""

    def __init__(self, chromium: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="chromium-")
        to_child, self._send = os.pipe()
        self._receive, from_child = os.pipe()

        def pipes_on_3_and_4() -> None:  # in the child, before exec
            low, high = os.dup2(os.dup(to_child), 100), os.dup2(os.dup(from_child), 101)
            os.dup2(low, 3)
            os.dup2(high, 4)

        self._process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={self._profile}", "--remote-debugging-pipe",
             "about:blank"],
            preexec_fn=pipes_on_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._id = 0
        self._events: list[dict] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self, url: str, width: int, height: int = 844) -> str:
        """A new tab of ``width`` CSS pixels (a phone's, with touch, below 800) showing
        ``url`` once it has loaded; its session id."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session)
        self.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 800)
        self.call("Page.navigate", session, url=url)
        self._event("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str):
        """The JSON value of ``expression`` in the tab."""
        result = self.call("Runtime.evaluate", session, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self._events.append(reply)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (OSError, RuntimeError):
            self._process.kill()
        self._process.wait(timeout=60)
        os.close(self._send)
        os.close(self._receive)
        shutil.rmtree(self._profile, ignore_errors=True)

    def _event(self, method: str, session: str) -> dict:
        for index, event in enumerate(self._events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self._events.pop(index)
        while True:
            event = self._read()
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self._events.append(event)

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)
