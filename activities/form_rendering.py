"""Forms rendered from their templates, as HTML and as PDF, in processes of their own.

Laying out a PDF is pure CPU (fpdf2, fontTools). In the worker's process it holds the GIL that the
event loop needs for every workflow task, update and payload: officers would wait behind forms.
A small pool of processes (spawned, so they share no threads or keys with the worker) renders
them instead; `processes=0` renders in a thread of the worker, as a fallback.

One pool per worker process, started at the first form and stopped when the process exits.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import jinja2
from temporalio.exceptions import ApplicationError

from activities.notify import vietnamese_date
from activities.pdf import render_pdf
from models.calendar import VIETNAM
from models.effects import FormRequest

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "forms"),
    autoescape=True,  # applicant-controlled text must never become markup
    auto_reload=False,  # templates ship with the code: no file check at every render
)
TEMPLATES.filters["vn_date"] = vietnamese_date
TITLES = {
    "receipt": ("01", "Phiếu tiếp nhận hồ sơ và hẹn trả kết quả"),
    "supplement_request": ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "revision_request": ("", "Thông báo kết quả thẩm định và yêu cầu chỉnh sửa, bổ sung hồ sơ"),
    "refusal": ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "apology": ("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "control_sheet": ("05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "dossier_register": ("06", "Sổ theo dõi hồ sơ"),
    "result": ("", "Kết quả giải quyết thủ tục hành chính"),
    "payment_receipt": ("", "Biên lai thu phí, lệ phí điện tử"),
}


def render_form(request: FormRequest) -> bytes:
    """The form's HTML; the same request always gives the same bytes (so the same hash)."""
    number, title = TITLES[request.kind]
    template = TEMPLATES.get_template(f"{request.kind}.html")
    html = template.render(
        {
            **request.context,  # the form's own fields below win over a context key of that name
            "number": number,
            "title": title,
            "code": request.dossier_code,
            "issued_at": request.issued_at.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y"),
            "missing": [
                m.strip() for m in request.context.get("missing", "").split("\n") if m.strip()
            ],
        }
    )
    return html.encode("utf-8")


FORM_FORMAT = "pdf"


def render_form_pdf(request: FormRequest) -> bytes:
    """The form as the PDF the applicant gets; the same request always gives the same bytes."""
    title = f"{TITLES[request.kind][1]} — {request.dossier_code}"
    html = render_form(request).decode("utf-8")
    return render_pdf(html, issued_at=request.issued_at, title=title)


_pools: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _pool(processes: int) -> ProcessPoolExecutor:
    with _lock:
        pool = _pools.get(processes)
        if pool is None:
            context = multiprocessing.get_context("spawn")
            pool = _pools[processes] = ProcessPoolExecutor(
                processes, mp_context=context, initializer=_follow, initargs=(os.getpid(),)
            )
        return pool


def _follow(worker: int) -> None:
    """In a renderer: leave when the worker is gone (killed, it cannot stop its renderers); a
    Ctrl-C meant for `hoso up` is the worker's to handle (it stops the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == worker:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="follow-worker", daemon=True).start()


def stop_renderers() -> None:
    """Stops the renderer processes (the worker calls it when it stops): they finish the form
    in hand and leave, and their semaphores with them."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True)


def _discard(processes: int, pool: ProcessPoolExecutor) -> None:
    with _lock:
        if _pools.get(processes) is pool:
            del _pools[processes]
    pool.shutdown(wait=False, cancel_futures=True)


async def render(request: FormRequest, processes: int) -> bytes:
    """The form's PDF, rendered in the pool (or a thread when `processes` is 0)."""
    if processes <= 0:
        return await asyncio.to_thread(render_form_pdf, request)
    pool = _pool(processes)
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, render_form_pdf, request)
    except BrokenProcessPool:  # a renderer died (killed, out of memory): a new pool, a retry
        _discard(processes, pool)
        raise ApplicationError(
            "the form renderer stopped; retrying", type="RendererStopped"
        ) from None
