"""The FastAPI app of `clone serve`: an OpenAI-compatible chat API, the web chat page and its feedback.

Every request but /health and the page needs a key (`Authorization: Bearer KEY`); the key decides who the clone
is talking to. Limits (body size, reply length, requests per minute) and the request log are set by
`ServeSettings`."""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from collections import OrderedDict, defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, ValidationError

from clone.chat import Clone
from clone.improvement.feedback import add_feedback, preference, rating
from clone.pages import render
from clone.serving.batching import Batcher, serving_dtype
from clone.serving.keys import Key, find_key
from clone.serving.protocol import CLIENT_ONLY_ROLES, ChatRequest, conversation_of
from clone.settings import setting

log = logging.getLogger("clone.serve")


@dataclass(frozen=True)
class ServeSettings:
    """How `clone serve` listens and what it allows. Every field is also a `clone serve` flag."""

    max_tokens: int = setting(256, "Longest reply in tokens; a request asking for more gets this many.")
    max_body_kb: int = setting(256, "Largest request body in KiB (413 above).")
    requests_per_minute: int = setting(30, "Requests one key may make per minute (429 above).")
    cors_origins: tuple[str, ...] = setting((), "Web origins allowed to call the API from a browser (none: CORS off).")
    log_text: bool = setting(False, "Write message and reply text to the request log (off: counts and timings only).")
    platform: str = setting("whatsapp", "Platform the clone is told the chats happen on.")
    max_prompt_tokens: int = setting(1024, "Longest prompt; older messages of a longer conversation are left out.")
    cache_tokens: int = setting(8192, "KV cache size in tokens, shared by the replies being generated.")
    batch_tokens: int = setting(1024, "Most tokens in one forward pass (prompts are prefilled in chunks of this).")
    dtype: str = setting(
        "auto", "Serving precision: auto (bf16 where the CPU or GPU computes it natively), float32, bfloat16."
    )


class Feedback(BaseModel):
    """A judgement of one reply, by the key that asked for it: ``good`` or ``better`` (what I would have said)."""

    id: str
    good: bool | None = None
    better: str | None = Field(None, min_length=1, max_length=4000)


def error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status_code=status)


@dataclass
class Limiter:
    """At most ``per_minute`` requests per key in any 60 seconds."""

    per_minute: int
    recent: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def wait(self, key_id: str) -> float:
        """0 when the request may go ahead (and it is counted), else the seconds until it may."""
        now, times = time.monotonic(), self.recent[key_id]
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return 60 - (now - times[0])
        times.append(now)
        return 0.0


class RequestLog:
    """One log line per request, when its response has been sent (a streamed reply: at its end): method, path,
    status, time and key id. Never a message's text."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [0]

        async def send_noting_status(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            took = (time.perf_counter() - start) * 1000
            key = scope.get("clone_key", "-")
            log.info("%s %s %s %.0fms key=%s", scope["method"], scope["path"], status[0] or "-", took, key)


def create_app(clone: Clone, settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    serving_dtype(settings.dtype)  # a wrong --dtype is a clear error now, not a failed start later
    batcher = Batcher(
        clone.model,
        clone.tokenizer,
        clone.settings,
        cache_tokens=settings.cache_tokens,
        batch_tokens=settings.batch_tokens,
        dtype=settings.dtype,
    )
    limiter = Limiter(settings.requests_per_minute)
    replies: OrderedDict[str, tuple[str, list[dict[str, str]], str]] = OrderedDict()  # id -> key id, context, reply

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        batcher.start()
        try:
            yield
        finally:
            batcher.stop()

    app = FastAPI(title=f"clone of {clone.me}", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.batcher = batcher  # for /health and tests
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Clone-Partner"],
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        response = error(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    app.add_middleware(RequestLog)

    def authorize(request: Request) -> Key:
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        key = find_key(clone.workspace, secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
        if key is None:
            raise HTTPException(
                401, "a valid API key is needed: Authorization: Bearer KEY", {"WWW-Authenticate": "Bearer"}
            )
        request.scope["clone_key"] = key.id  # for the request log
        wait = limiter.wait(key.id)
        if wait:
            raise HTTPException(
                429, "too many requests for this key; try again shortly", {"Retry-After": f"{wait:.0f}"}
            )
        return key

    def partner_of(key: Key, request: Request, asked: str | None) -> str | None:
        """Who the clone talks to: a contact key's own contact; an owner key's choice (header or ``user``)."""
        asked = request.headers.get("x-clone-partner") or asked
        if key.owner:
            return asked
        if asked and asked != key.partner:
            raise HTTPException(403, f"this key is for {key.partner}; it cannot talk as {asked}")
        return key.partner

    async def read_json(request: Request) -> Any:
        cap = settings.max_body_kb * 1024
        if int(request.headers.get("content-length") or 0) > cap:
            raise HTTPException(413, f"request body over {settings.max_body_kb} KiB")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > cap:
                raise HTTPException(413, f"request body over {settings.max_body_kb} KiB")
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPException(400, f"the body is not JSON: {exc}") from None

    def fit(prompt: list[dict[str, str]]) -> list[int]:
        """The prompt's tokens, leaving out the oldest messages (never the system prompt or the last) to fit."""
        while True:
            ids = clone.tokenizer.apply_chat_template(
                prompt, add_generation_prompt=True, tokenize=True, return_dict=True
            )["input_ids"]
            if len(ids) <= settings.max_prompt_tokens or len(prompt) <= 2:
                return ids
            prompt = [prompt[0], *prompt[2:]]

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "clone": clone.me, "generating": len(batcher.active), "dtype": batcher.dtype}

    @app.get("/", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        return HTMLResponse(render("serve.html.j2", me=clone.me, nonce=nonce))

    @app.get("/v1/models")
    async def models(request: Request) -> dict[str, Any]:
        authorize(request)
        return {"object": "list", "data": [{"id": "clone", "object": "model", "created": 0, "owned_by": clone.me}]}

    @app.get("/v1/whoami")
    async def whoami(request: Request) -> dict[str, Any]:
        key = authorize(request)
        return {"me": clone.me, "partner": key.partner, "owner": key.owner, "key": key.id}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        key = authorize(request)
        try:
            body = ChatRequest.model_validate(await read_json(request))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
            return error(422, problems)
        partner = partner_of(key, request, body.user)
        conversation = conversation_of(clone, body, partner, settings.platform)
        context = conversation.prompt()
        prompt = fit(context)
        sampling = replace(
            clone.settings,
            max_new_tokens=min(
                body.max_completion_tokens or body.max_tokens or settings.max_tokens, settings.max_tokens
            ),
            temperature=clone.settings.temperature if body.temperature is None else body.temperature,
            top_p=body.top_p or clone.settings.top_p,
            seed=body.seed,  # repeatable replies (sampling.SeededSampler)
        )
        reply_id = f"chatcmpl-{uuid.uuid4().hex}"
        dropped = sum(m.role in CLIENT_ONLY_ROLES for m in body.messages)
        pieces = batcher.stream(prompt, sampling, body.stop_strings)
        started = time.perf_counter()

        def remember(reply: str, tokens: int, first: float | None) -> None:
            replies[reply_id] = (key.id, context, reply)
            while len(replies) > 1000:
                replies.popitem(last=False)
            took = time.perf_counter() - started
            text = f" messages={json.dumps(context, ensure_ascii=False)} reply={json.dumps(reply, ensure_ascii=False)}"
            log.info(
                "completion %s key=%s partner=%s group=%s prompt_tokens=%d tokens=%d first_token_ms=%.0f total_ms=%.0f"
                " dropped_system=%d%s",
                reply_id,
                key.id,
                partner or "-",
                conversation.group or "-",
                len(prompt),
                tokens,
                (first or took) * 1000,
                took * 1000,
                dropped,
                text if settings.log_text else "",
            )

        def usage(tokens: int) -> dict[str, int]:
            return {"prompt_tokens": len(prompt), "completion_tokens": tokens, "total_tokens": len(prompt) + tokens}

        def chunk(delta: dict[str, str], finish: str | None, **extra: Any) -> str:
            data = {
                "id": reply_id,
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": body.model or "clone",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        if body.stream:

            async def events() -> AsyncIterator[str]:
                text, tokens, first = "", 0, None
                try:
                    yield chunk({"role": "assistant", "content": ""}, None)
                    async for piece in pieces:
                        first = first or time.perf_counter() - started
                        text, tokens = text + piece.text, piece.tokens
                        if piece.text:
                            yield chunk({"content": piece.text}, None)
                        if piece.finished:
                            extra = {"usage": usage(tokens)} if (body.stream_options or {}).get("include_usage") else {}
                            yield chunk({}, piece.finished, **extra)
                    yield "data: [DONE]\n\n"
                finally:
                    await pieces.aclose()  # a client gone mid-reply: the generation stops and frees its slot
                    remember(text.strip(), tokens, first)

            return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

        text, tokens, finish, first = "", 0, "stop", None
        async for piece in pieces:
            first = first or time.perf_counter() - started
            text, tokens, finish = text + piece.text, piece.tokens, piece.finished or finish
        remember(text.strip(), tokens, first)
        return {
            "id": reply_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.model or "clone",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text.strip()}, "finish_reason": finish}
            ],
            "usage": usage(tokens),
        }

    @app.post("/v1/feedback")
    async def feedback(request: Request) -> dict[str, str]:
        """Thumbs up/down or "what I would have said" on a reply this key got: a line of feedback.jsonl."""
        key = authorize(request)
        try:
            judgement = Feedback.model_validate(await read_json(request))
        except ValidationError as exc:
            return error(422, "; ".join(e["msg"] for e in exc.errors()))
        if judgement.id not in replies:
            raise HTTPException(404, "no such reply (only recent replies can be rated)")
        owner, context, reply = replies[judgement.id]
        if owner != key.id:
            raise HTTPException(403, "only the key that got a reply can rate it")
        if judgement.better:
            record = preference(context, judgement.better.strip(), reply, edited=True)
        elif judgement.good is not None:
            record = rating(context, reply, judgement.good)
        else:
            return error(422, "feedback needs good (true/false) or better (text)")
        add_feedback(clone.workspace, record)  # no await in between: lines from concurrent requests never interleave
        return {"status": "saved"}

    return app
