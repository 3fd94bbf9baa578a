"""RFC 9457 problem details, in English or Simplified Chinese (Accept-Language).

Every error the API returns is `application/problem+json`:

    {"type": "https://gaoling.dev/problems/wrong-day", "title": "...", "status": 422,
     "detail": "...", "field": "day", "code": "wrong-day", "instance": "/api/v1/checkins"}

`field` names the request field at fault (dotted for nested fields). The `title`/`detail` pair is
chosen by Accept-Language (zh first when it asks for any zh variant); the English text is always in
`detail_en` too, so a log or a support ticket can be read by either side.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://gaoling.dev/problems/"

# code -> (status, English title, Chinese title)
TITLES: dict[str, tuple[int, str, str]] = {
    "malformed-json": (400, "The body is not valid JSON", "请求体不是有效的 JSON"),
    "invalid-field": (422, "A field is missing or invalid", "字段缺失或无效"),
    "body-too-large": (413, "The body is too large", "请求体过大"),
    "unsupported-media-type": (415, "Send application/json", "请以 application/json 发送"),
    "wrong-chain": (422, "Signed for another chain", "签名所属链不符"),
    "wrong-contract": (422, "Signed for another contract", "签名所属合约不符"),
    "wrong-day": (422, "Signed for another day", "签名日期不符"),
    "bad-signature": (422, "The signature does not match the member", "签名与会员地址不符"),
    "expired": (422, "The signed message has expired", "签名消息已过期"),
    "replayed": (409, "This signed message was already used", "该签名消息已被使用"),
    "already-checked-in": (409, "Already checked in today", "今天已经签到"),
    "not-found": (404, "Not found", "未找到"),
    "not-on-allowlist": (404, "The address is not on the allowlist", "该地址不在白名单中"),
    "rate-limited": (429, "Too many requests", "请求过于频繁"),
    "cooldown": (429, "The quiz cooldown is still running", "测验冷却期未结束"),
    "already-graded": (409, "This attempt was already graded", "该次测验已评分"),
    "attempt-expired": (422, "The attempt's time is up", "测验已超时"),
    "not-holder": (403, "The signer does not hold this token", "签名者不持有该代币"),
    "forbidden": (403, "Not allowed", "无权访问"),
    "unauthorized": (401, "Sign in first", "请先登录"),
    "sign-in-again": (401, "This sign-in cannot be used again; sign in again", "此次登录已失效，请重新登录"),
    "unavailable": (503, "The service cannot do this right now", "服务暂时无法处理"),
    "not-acceptable": (406, "That representation is not available", "无法提供该格式"),
    "method-not-allowed": (405, "Method not allowed", "不允许的方法"),
}


class Problem(Exception):
    """Raise from any handler: `Problem("wrong-day", "day", en="...", zh="...")`."""

    def __init__(self, code: str, field: str | None = None, *, en: str, zh: str | None = None,
                 status: int | None = None, headers: dict[str, str] | None = None, **extra: Any) -> None:
        self.code = code
        self.field = field
        self.en = en
        self.zh = zh or en
        self.status = status or TITLES.get(code, (400, "", ""))[0]
        self.headers = headers or {}
        self.extra = extra
        super().__init__(f"{code}: {en}")


def wants_chinese(request: Request) -> bool:
    """True when Accept-Language prefers any zh variant over English (q-values honoured)."""
    header = request.headers.get("accept-language", "")
    best_zh = best_en = -1.0
    for i, part in enumerate(header.split(",")):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= i * 1e-6  # earlier wins a tie
        tag = lang.strip().lower()
        if tag.startswith("zh"):
            best_zh = max(best_zh, q)
        elif tag.startswith("en") or tag == "*":
            best_en = max(best_en, q)
    return best_zh > best_en


def render(request: Request, problem: Problem) -> JSONResponse:
    status, title_en, title_zh = TITLES.get(problem.code, (problem.status, problem.code, problem.code))
    zh = wants_chinese(request)
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.code,
        "title": title_zh if zh else title_en,
        "status": problem.status,
        "detail": problem.zh if zh else problem.en,
        "detail_en": problem.en,
        "code": problem.code,
        "instance": request.url.path,
    }
    if problem.field:
        body["field"] = problem.field
    body.update(problem.extra)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON,
                        headers={"Content-Language": "zh-CN" if zh else "en", **problem.headers})


async def problem_handler(request: Request, exc: Problem) -> JSONResponse:
    return render(request, exc)


def _field_of(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid", "type": ""}
    if first.get("type") == "json_invalid":
        ctx = first.get("ctx") or {}
        return render(request, Problem(
            "malformed-json", "body",
            en=f"The body is not valid JSON ({ctx.get('error', 'syntax error')}); send one JSON object.",
            zh=f"请求体不是有效的 JSON（{ctx.get('error', '语法错误')}）；请发送一个 JSON 对象。"))
    field = _field_of(tuple(first.get("loc", ())))
    msg = first.get("msg", "invalid")
    fields = [{"field": _field_of(tuple(e.get("loc", ()))), "message": e.get("msg", "")} for e in errors]
    return render(request, Problem(
        "invalid-field", field,
        en=f"{field}: {msg}. Correct this field and send again.",
        zh=f"字段 {field} 无效：{msg}。请修改该字段后重新发送。", errors=fields))


async def http_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        problem = Problem("not-found", None, en=f"Nothing at {request.url.path}; see /api/v1/openapi.json.",
                          zh=f"{request.url.path} 不存在；请参阅 /api/v1/openapi.json。")
    elif exc.status_code == 405:
        problem = Problem("method-not-allowed", None, en=f"{request.method} is not allowed on {request.url.path}.",
                          zh=f"{request.url.path} 不支持 {request.method}。")
    else:
        problem = Problem("invalid-field", None, en=str(exc.detail), status=exc.status_code)
    return render(request, problem)
