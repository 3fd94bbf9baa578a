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


def _ask(console: Console, count: int) -> int | None:
    letters = list(LETTERS[:count])
    value = Prompt.ask(f"your answer ({'/'.join(letters)}, or - to skip)", console=console,
                       choices=letters + ["-"], case_sensitive=False, show_choices=False)
    return None if value == "-" else LETTERS.index(value.upper())


def show_question(console: Console, bank: QuestionBank, attempt: Attempt, i: int, lang: str) -> None:
    pq = attempt.questions[i]
    lines = [pq.question.get(lang), ""]
    lines += [f"  {LETTERS[n]}. {choice.get(lang)}" for n, choice in enumerate(pq.choices)]
    topic = bank.topics[pq.topic].get(lang)
    console.print(Panel("\n".join(lines), title=f"{i + 1}/{len(attempt.questions)} · {topic}", title_align="left"))


def take(grader: Grader, holder: str, *, lang: str = "en", sheet: AnswerSheet | None = None,
         console: Console | None = None, ask: Callable[[Console, int], int | None] = _ask) -> GradeResult:
    """Runs one attempt for `holder`. With `sheet`, answers come from it and nothing is asked."""
    console = console or Console()
    bank = grader.bank
    if sheet is not None:
        sheet.check(bank)
    attempt = grader.start(holder)
    console.print(f"[bold]{bank.title.get(lang)}[/] · version {bank.version} · "
                  f"{len(attempt.questions)} questions, pass mark {bank.attempt.pass_mark}")
    if sheet is not None:
        answers = sheet.positions(attempt, bank)
        console.print(f"answers from {sheet.source}")
    else:
        answers = []
        for i, pq in enumerate(attempt.questions):
            show_question(console, bank, attempt, i, lang)
            answers.append(ask(console, len(pq.choices)))
    result = grader.grade(attempt.attempt_id, answers)
    show_result(console, attempt, result, lang)
    return result


def show_result(console: Console, attempt: Attempt, result: GradeResult, lang: str) -> None:
    table = Table(title=f"{result.correct}/{result.total} correct · score {result.score}%")
    table.add_column("#", justify="right")
    table.add_column("question")
    table.add_column("you")
    table.add_column("right")
    table.add_column("why", overflow="fold")
    for n, (pq, r) in enumerate(zip(attempt.questions, result.results)):
        mark = "[green]✓[/]" if r.correct else "[red]✗[/]"
        chosen = LETTERS[r.chosen] if r.chosen is not None else "-"
        table.add_row(f"{n + 1}", f"{mark} {pq.question.get(lang)}", chosen, LETTERS[r.correct_position],
                      r.explanation.get(lang))
    console.print(table)
    if result.passed:
        console.print(f"[bold green]passed[/] ({result.correct} ≥ {result.pass_mark})")
    else:
        console.print(f"[bold red]not passed[/] ({result.correct} < {result.pass_mark}); try again after the cooldown")
