"""hoso's own assets: served with a day's cache (their address carries a version), and gzipped
where a compressed copy ships beside the file (htmx: 52 kB becomes 16 kB on a district line).
Pages themselves are not compressed: they carry CSRF tokens beside what a visitor typed."""

from __future__ import annotations

from pathlib import Path

from fastapi.staticfiles import StaticFiles
from starlette.responses import FileResponse, Response
from starlette.types import Scope

MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class Assets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code != 200:
            return response
        accepts = dict(scope.get("headers", [])).get(b"accept-encoding", b"")
        full, _ = self.lookup_path(path)
        compressed = Path(full + ".gz") if full else None
        if b"gzip" in accepts and compressed is not None and compressed.is_file():
            response = FileResponse(
                compressed,
                media_type=MEDIA.get(Path(full).suffix, "application/octet-stream"),
                headers={"Content-Encoding": "gzip"},
            )
        response.headers["Cache-Control"] = "public, max-age=86400"
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
