"""The terminal quiz (rich): shows each question, reads an answer (or takes it from a scripted
answer sheet), then prints the results with explanations. Used by `ape run quiz take`."""

from __future__ import annotations

from typing import Callable

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Table

from gaoling.quiz.bank import QuestionBank
from gaoling.quiz.grader import AnswerSheet, Attempt, GradeResult, Grader

LETTERS = "ABCD"

# Every line the terminal quiz prints around the bank's own (already bilingual) text.
TEXT = {
    "en": {"answer": "your answer ({letters}, or - to skip)", "invalid": "Please answer with one of {letters}, or -",
           "header": "{title} · version {version} · {count} questions, pass mark {mark}",
           "sheet": "answers from {source}", "result": "{correct}/{total} correct · score {score}%",
           "cols": ("#", "question", "you", "right", "why"),
           "passed": "passed ({correct} ≥ {mark})",
           "failed": "not passed ({correct} < {mark}); try again after the cooldown"},
    "zh-CN": {"answer": "你的答案（{letters}，或输入 - 跳过）", "invalid": "请输入 {letters} 之一，或 -",
              "header": "{title} · 版本 {version} · 共 {count} 题，及格线 {mark} 题",
              "sheet": "答案来自 {source}", "result": "答对 {correct}/{total} 题 · 得分 {score}%",
              "cols": ("#", "题目", "你的答案", "正确答案", "解析"),
              "passed": "通过（{correct} ≥ {mark}）",
              "failed": "未通过（{correct} < {mark}）；冷却期过后可再试"},
}


def text(lang: str, key: str, **values: object) -> str:
    table = TEXT.get(lang, TEXT["en"])
    return table[key].format(**values) if values else table[key]


def _ask(console: Console, count: int, lang: str = "en") -> int | None:
    letters = list(LETTERS[:count])

    class _Prompt(Prompt):
        illegal_choice_message = f"[prompt.invalid.choice]{text(lang, 'invalid', letters='/'.join(letters))}"

    value = _Prompt.ask(text(lang, "answer", letters="/".join(letters)), console=console,
                        choices=letters + ["-"], case_sensitive=False, show_choices=False)
    return None if value == "-" else LETTERS.index(value.upper())


def show_question(console: Console, bank: QuestionBank, attempt: Attempt, i: int, lang: str) -> None:
    pq = attempt.questions[i]
    lines = [pq.question.get(lang), ""]
    lines += [f"  {LETTERS[n]}. {choice.get(lang)}" for n, choice in enumerate(pq.choices)]
    topic = bank.topics[pq.topic].get(lang)
    console.print(Panel("\n".join(lines), title=f"{i + 1}/{len(attempt.questions)} · {topic}", title_align="left"))


def take(grader: Grader, holder: str, *, lang: str = "en", sheet: AnswerSheet | None = None,
         console: Console | None = None, ask: Callable[..., int | None] = _ask) -> GradeResult:
    """Runs one attempt for `holder`. With `sheet`, answers come from it and nothing is asked."""
    console = console or Console()
    bank = grader.bank
    if sheet is not None:
        sheet.check(bank)
    attempt = grader.start(holder)
    console.print("[bold]" + text(lang, "header", title=bank.title.get(lang), version=bank.version,
                                  count=len(attempt.questions), mark=bank.attempt.pass_mark) + "[/]")
    if sheet is not None:
        answers = sheet.positions(attempt, bank)
        console.print(text(lang, "sheet", source=sheet.source))
    else:
        answers = []
        for i, pq in enumerate(attempt.questions):
            show_question(console, bank, attempt, i, lang)
            answers.append(ask(console, len(pq.choices), lang) if ask is _ask else ask(console, len(pq.choices)))
    result = grader.grade(attempt.attempt_id, answers)
    show_result(console, attempt, result, lang)
    return result


def show_result(console: Console, attempt: Attempt, result: GradeResult, lang: str) -> None:
    table = Table(title=text(lang, "result", correct=result.correct, total=result.total, score=result.score))
    number, question, you, right, why = text(lang, "cols")
    table.add_column(number, justify="right")
    table.add_column(question)
    table.add_column(you)
    table.add_column(right)
    table.add_column(why, overflow="fold")
    for n, (pq, r) in enumerate(zip(attempt.questions, result.results)):
        mark = "[green]✓[/]" if r.correct else "[red]✗[/]"
        chosen = LETTERS[r.chosen] if r.chosen is not None else "-"
        table.add_row(f"{n + 1}", f"{mark} {pq.question.get(lang)}", chosen, LETTERS[r.correct_position],
                      r.explanation.get(lang))
    console.print(table)
    if result.passed:
        console.print("[bold green]" + text(lang, "passed", correct=result.correct, mark=result.pass_mark) + "[/]")
    else:
        console.print("[bold red]" + text(lang, "failed", correct=result.correct, mark=result.pass_mark) + "[/]")
