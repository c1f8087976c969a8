"""The SQL workbench: a page per domain, and two read-only API operations (run a query, check an answer).

Both operations are GET requests (they never write; a query runs on a read-only connection), so they sit with the
API's reads in the OpenAPI schema. Open to anonymous users when WORKBENCH_PUBLIC is on, else to logged-in users.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.cache import dataset_version
from core.dictionary import domain_dictionary
from core.teaching.answers import Answer, run_solution
from core.teaching.exercises import LEVELS, ExerciseFileError, exercise_by_id, load_exercises
from core.teaching.grading import compare, normalise_rows
from core.teaching.readonly import QueryRefused, run_readonly

TAGS = ["workbench"]
MAX_SQL_LENGTH = 20_000


def workbench_public() -> bool:
    return getattr(settings, "WORKBENCH_PUBLIC", True)


def _domain_or_404(domain: str) -> str:
    if domain not in settings.DOMAIN_APPS:
        raise Http404(f"no dataset called {domain!r}")
    return domain


def _exercises(domain: str):
    try:
        return load_exercises(domain)
    except ExerciseFileError:  # a broken exercise file must not take the workbench down; the commands name it
        return []


@ensure_csrf_cookie
def workbench(request, domain: str):
    domain = _domain_or_404(domain)
    if not workbench_public() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    from django.apps import apps

    exercises = [
        {
            "id": exercise.id,
            "level": exercise.level,
            "title": exercise.title,
            "question": exercise.question,
            "hints": list(exercise.hints),
            "ordered": exercise.ordered,
        }
        for exercise in _exercises(domain)
    ]
    return render(
        request,
        "workbench.html",
        {
            "domain": domain,
            "title": apps.get_app_config(domain).verbose_name,
            "tables": domain_dictionary(domain),
            "exercises": exercises,
            "levels": LEVELS,
            "max_rows": settings.WORKBENCH_MAX_ROWS,
            "timeout_seconds": settings.WORKBENCH_TIMEOUT_MS / 1000,
            "api": {
                "query": reverse("workbench-api:query", args=[domain]),
                "check": reverse("workbench-api:check", args=[domain]),
            },
        },
    )


class WorkbenchAccess(permissions.BasePermission):
    message = "the workbench needs a login here (WORKBENCH_PUBLIC is off)"

    def has_permission(self, request, view):
        return workbench_public() or bool(request.user and request.user.is_authenticated)


class SqlFilter(serializers.Serializer):
    sql = serializers.CharField(max_length=MAX_SQL_LENGTH, trim_whitespace=False, help_text="One SELECT statement.")


class WorkbenchView(APIView):
    permission_classes = [WorkbenchAccess]

    FilterSerializer: type[serializers.Serializer]

    def validated(self, request, domain):
        _domain_or_404(domain)
        serializer = self.FilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class QueryView(WorkbenchView):
    """Run one read-only statement on the domain's database: rows up to WORKBENCH_MAX_ROWS, WORKBENCH_TIMEOUT_MS.

    A refused or failed statement is an answer too (200 with `error` set, no rows): it is the student's query that
    is wrong, not the request, and the page shows the message where the rows would be.
    """

    FilterSerializer = SqlFilter

    class OutputSerializer(serializers.Serializer):
        columns = serializers.ListField(child=serializers.CharField())
        rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField(allow_null=True)))
        row_count = serializers.IntegerField(help_text="Rows returned (at most max_rows).")
        truncated = serializers.BooleanField(help_text="True when the query had more rows than max_rows.")
        max_rows = serializers.IntegerField()
        seconds = serializers.FloatField()
        error = serializers.CharField(allow_null=True, help_text="Why the statement was refused or failed, or null.")

    @extend_schema(
        tags=TAGS,
        parameters=[SqlFilter],
        responses={200: OutputSerializer, 400: OpenApiResponse(description="No `sql` parameter, or too long.")},
    )
    def get(self, request, domain):
        sql = self.validated(request, domain)["sql"]
        output = {"columns": [], "rows": [], "truncated": False, "seconds": 0.0, "error": None}
        try:
            result = run_readonly(
                domain, sql, max_rows=settings.WORKBENCH_MAX_ROWS, timeout_ms=settings.WORKBENCH_TIMEOUT_MS
            )
        except QueryRefused as exc:
            output["error"] = str(exc)
        else:
            output.update(
                columns=result.columns,
                rows=[list(row) for row in normalise_rows(result.rows)],
                truncated=result.truncated,
                seconds=round(result.seconds, 3),
            )
        output.update(row_count=len(output["rows"]), max_rows=settings.WORKBENCH_MAX_ROWS)
        return Response(self.OutputSerializer(output).data)


class CheckFilter(SqlFilter):
    exercise = serializers.CharField(max_length=40, help_text="Exercise id, e.g. dvd-1-01.")


def expected_answer(domain: str, exercise) -> Answer:
    """The reference result, cached until the domain's data changes (dataset version)."""
    key = f"teaching:answer:{domain}:{exercise.id}:{dataset_version(domain)}"
    cached = cache.get(key)
    if cached is not None:
        return Answer(exercise=exercise, dialect="", solution=None, columns=cached[0], rows=cached[1])
    answer = run_solution(exercise, alias=domain)
    if answer.error is None:
        cache.set(key, (answer.columns, answer.rows), settings.ANALYTICS_CACHE_SECONDS or None)
    return answer


class CheckView(WorkbenchView):
    """Compare the result of a student's query with the exercise's reference result (by value, not by text)."""

    FilterSerializer = CheckFilter

    class OutputSerializer(serializers.Serializer):
        exercise = serializers.CharField()
        correct = serializers.BooleanField()
        message = serializers.CharField(help_text="The first difference, or what went wrong; empty when correct.")
        kind = serializers.CharField(help_text="columns, missing, extra, value, order, error, or empty.")

    @extend_schema(
        tags=TAGS,
        parameters=[CheckFilter],
        responses={200: OutputSerializer, 400: OpenApiResponse(description="Unknown exercise id, or no `sql`.")},
    )
    def get(self, request, domain):
        data = self.validated(request, domain)
        exercise = exercise_by_id(domain).get(data["exercise"]) if _exercises(domain) else None
        if exercise is None:
            return Response({"error": f"no exercise {data['exercise']!r} in {domain}"}, status=400)
        expected = expected_answer(domain, exercise)
        verdict = {"exercise": exercise.id, "correct": False, "kind": "error"}
        if expected.error:
            return Response(self.OutputSerializer({**verdict, "message": f"cannot grade: {expected.error}"}).data)
        try:
            result = run_readonly(
                domain,
                data["sql"],
                max_rows=max(10 * len(expected.rows), settings.WORKBENCH_MAX_ROWS),
                timeout_ms=settings.WORKBENCH_TIMEOUT_MS,
            )
        except QueryRefused as exc:
            return Response(self.OutputSerializer({**verdict, "message": str(exc)}).data)
        difference = compare(
            expected.rows,
            normalise_rows(result.rows),
            ordered=exercise.ordered,
            tolerance=exercise.tolerance,
            columns=expected.columns,
        )
        if difference is None:
            verdict.update(correct=True, kind="", message="")
        else:
            verdict.update(kind=difference.kind, message=difference.message)
        return Response(self.OutputSerializer(verdict).data)
