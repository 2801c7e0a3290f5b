"""A cookie in this session's browser: read from the request that opened the session (`st.context.cookies`),
set or cleared by a tiny component of the app's own (Streamlit's components v2: trusted JavaScript run in
the page, no iframe, nothing fetched). How the teacher's pass survives a reload without ever being in the
address bar, which the projector shows.

The cookie lives for the browser's session (no expiry date) and only for this site (SameSite=Strict); the
server forgets the pass behind it on restart or sign-out, so an old cookie opens nothing.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function (component) {
  const data = component.data;
  if (!data || !data.name) return;
  const parts = [data.name + "=" + (data.clear ? "" : data.value), "path=/", "SameSite=Strict"];
  if (data.clear) parts.push("Max-Age=0");
  document.cookie = parts.join("; ");
}
"""
_CSS = ":host { display: none; }"

_mount = st.components.v2.component("gan_lab_cookie", js=_JS, css=_CSS)


def read(name: str) -> str | None:
    """The cookie's value as the browser sent it when this session opened (a reload sends it again)."""
    try:
        return st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - no browser behind this session (a bare script run): no cookies
        return None


def write(name: str, value: str, key: str) -> None:
    """Have the browser keep `name=value` (an element of this script run: draw it where it takes no room)."""
    _mount(key=key, data={"name": name, "value": value}, height=0)


def clear(name: str, key: str) -> None:
    """Have the browser forget the cookie."""
    _mount(key=key, data={"name": name, "clear": True}, height=0)
