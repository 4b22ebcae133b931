"""The OpenAPI 3.1 document of API version 1, served at ``GET /api/v1/openapi.json``.

Maintained by hand next to the endpoints it describes: every response body has a component
schema, objects list every key they carry (``additionalProperties: false``), so a key added
to a response without being documented here fails the conformance test
(``tests/api/test_openapi_conformance.py``), which generates requests from this document and
checks every response against it.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from inspect_app.api.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from inspect_app.api.routes import MAX_ID, bp
from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.indicators import OUTCOMES, UNITS
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.domain.rubric import AreaKind, BestEnd

Schema = dict[str, Any]

# --------------------------------------------------------------------------- schema helpers


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def string(**kw: Any) -> Schema:
    return {"type": "string", **kw}


def integer(**kw: Any) -> Schema:
    return {"type": "integer", **kw}


def number() -> Schema:
    return {"type": "number"}


def boolean() -> Schema:
    return {"type": "boolean"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def enum(values: list[str], **kw: Any) -> Schema:
    return {"type": "string", "enum": values, **kw}


def obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = (), **kw: Any) -> Schema:
    """An object with exactly these keys (all required unless ``optional``)."""
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
        **kw,
    }


def page_of(item: str, description: str) -> Schema:
    return obj(
        {
            "items": array(ref(item)),
            "page": integer(minimum=1),
            "per_page": integer(minimum=1, maximum=MAX_PER_PAGE),
            "total": integer(minimum=0),
        },
        description=description,
    )


DATE = string(format="date")
DATETIME = string(format="date-time")
TEXT = string()
ID = integer(minimum=1)
PHASES = [p.value for p in Phase]
ROLES = [r.value for r in ReviewRole]
INSPECTORATES = [i.value for i in Inspectorate]
KINDS = [k.value for k in EvidenceKind]
STANCES = [s.value for s in Stance]
AREA_KINDS = [k.value for k in AreaKind]


# --------------------------------------------------------------------------- component schemas


def _schemas() -> dict[str, Schema]:
    grade_value = integer(description="A point on the rubric's grade scale (1–4, 4 best).")
    stats = obj(
        {
            "alpha": nullable(number()),
            "alpha_message": nullable(TEXT),
            "exact_agreement": nullable(number()),
            "within_one": nullable(number()),
            "pairs": integer(minimum=0),
            "judgements_compared": integer(minimum=0),
            "graders": integer(minimum=0),
        }
    )
    deviation = {
        "n": integer(minimum=0),
        "mean_deviation": nullable(number()),
        "mean_absolute_deviation": nullable(number()),
    }
    return {
        "Error": obj(
            {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": string(
                            description="Machine-readable: bad_request, csrf_failed, "
                            "unauthenticated, invalid_token, forbidden, not_found, "
                            "method_not_allowed, stale_version, invalid, …"
                        ),
                        "message": string(description="For people: what went wrong."),
                        "field": string(description="422: the field or parameter at fault."),
                        "current": nullable(
                            {"type": "object", "description": "409: the newer value."}
                        ),
                        "diff": array(obj({"change": TEXT, "text": TEXT})),
                    },
                    "required": ["code", "message"],
                    "additionalProperties": True,
                }
            },
            description='Every error: {"error": {"code": …, "message": …}}, sometimes with '
            "more keys.",
        ),
        "Inspectorate": obj({"code": enum(INSPECTORATES), "name": TEXT}),
        "ReviewSummary": obj(_review_summary_properties()),
        "Review": obj(
            _review_summary_properties()
            | {
                "phase_changed_at": DATETIME,
                "team": array(
                    obj(
                        {
                            "name": TEXT,
                            "inspectorate": nullable(ref("Inspectorate")),
                            "role": enum(ROLES),
                        }
                    )
                ),
                "permissions": obj(
                    {
                        name: boolean()
                        for name in (
                            "see_evidence",
                            "see_restricted_evidence",
                            "see_provisional_grades",
                            "see_agreed_grades",
                            "see_reconciliation",
                            "grade",
                            "moderate",
                            "view_report",
                        )
                    },
                    description="What you may read or do on this review.",
                ),
            }
        ),
        "ReviewPage": page_of("ReviewSummary", "Reviews you may see, newest first."),
        "RubricSummary": obj(_rubric_summary_properties()),
        "RubricPage": page_of("RubricSummary", "Every stored rubric revision."),
        "Rubric": obj(
            _rubric_summary_properties()
            | {
                "description": TEXT,
                "area_grade_rule": nullable(TEXT),
                "scale": ref("GradeScale"),
                "areas": array(ref("JudgementArea")),
            }
        ),
        "GradeScale": obj(
            {
                "best": enum([b.value for b in BestEnd]),
                "grades": array(obj({"value": grade_value, "label": TEXT, "descriptor": TEXT})),
            }
        ),
        "JudgementArea": obj(
            {
                "id": string(description="area-N: the judgement id of the area as a whole"),
                "number": integer(minimum=1),
                "code": TEXT,
                "title": TEXT,
                "kind": enum(AREA_KINDS),
                "description": TEXT,
                "lead_inspectorates": array(TEXT),
                "descriptors": _descriptors(),
                "key_judgements": array(ref("KeyJudgement")),
            }
        ),
        "KeyJudgement": obj(
            {
                "id": string(description="kj-N.M: the judgement id used by the grade endpoints"),
                "number": TEXT,
                "text": TEXT,
                "evidence_prompts": array(TEXT),
                "descriptors": _descriptors(),
            }
        ),
        "EvidenceItem": obj(_evidence_properties()),
        "EvidenceItemDetail": obj(
            _evidence_properties() | {"added_by": nullable(TEXT), "deletion_reason": nullable(TEXT)}
        ),
        "EvidencePage": page_of("EvidenceItem", "Evidence metadata, newest first."),
        "Judgement": obj(
            {
                "id": string(description="kj-2.3 or area-2"),
                "kind": enum(["key_judgement", "area"]),
                "number": TEXT,
                "text": TEXT,
                "area": obj({"number": integer(minimum=1), "title": TEXT}),
            }
        ),
        "Grade": obj(
            _grade_properties(),
            description="One inspector's provisional grade (the latest revision).",
        ),
        "AgreedGrade": obj(
            {
                "grade": grade_value,
                "grade_label": TEXT,
                "reasons": TEXT,
                "team_median": nullable(number()),
                "derived_grade": nullable(integer()),
                "is_override": boolean(),
                "version": integer(minimum=1),
                "agreed_by": TEXT,
                "agreed_at": DATETIME,
            }
        ),
        "JudgementGrades": obj(
            {
                "judgement": ref("Judgement"),
                "grades_visible": boolean(),
                "grades": array(ref("Grade")),
                "agreed": nullable(ref("AgreedGrade")),
            },
            description="grades_visible is false while the team's grades are hidden from "
            "you (blind grading), and always for authority users and administrators.",
        ),
        "JudgementGradesPage": page_of("JudgementGrades", "Every judgement in rubric order."),
        "MyGrade": obj(
            {
                "judgement": ref("Judgement"),
                "grade": nullable(ref("Grade")),
                "version": nullable(integer(minimum=1)),
            }
        ),
        "GradeSaved": obj({"judgement": ref("Judgement"), "grade": ref("Grade")}),
        "AgreedGradeSaved": obj({"judgement": ref("Judgement"), "agreed": ref("AgreedGrade")}),
        "GradeSubmission": {
            "type": "object",
            "properties": {
                "grade": nullable(integer()),
                "rationale": nullable(TEXT),
                "confidence": nullable(enum(["low", "medium", "high"])),
                "evidence_item_ids": nullable(array(integer(minimum=1, maximum=MAX_ID))),
                "version": nullable(integer(minimum=1)),
            },
            "required": ["version"],
        },
        "AgreedGradeSubmission": {
            "type": "object",
            "properties": {
                "grade": nullable(integer()),
                "reasons": nullable(TEXT),
                "version": nullable(integer(minimum=1)),
            },
            "required": ["version"],
        },
        "Reconciliation": obj(
            {
                "review": obj(
                    {"id": ID, "reference": TEXT, "authority": TEXT, "phase": enum(PHASES)}
                ),
                "scale": obj(
                    {
                        "values": array(integer()),
                        "best": enum([b.value for b in BestEnd]),
                        "labels": {"type": "object", "additionalProperties": TEXT},
                    }
                ),
                "blind": boolean(),
                "graders": array(
                    obj({"id": ID, "name": TEXT, "inspectorate": TEXT, "on_team": boolean()})
                ),
                "agreement": obj(
                    {
                        "overall": stats,
                        "by_area": array(
                            {**stats, "properties": {"area": TEXT, **stats["properties"]}}
                            | {"required": ["area", *stats["required"]]}
                        ),
                    }
                ),
                "judgements": array(ref("ReconciliationRow")),
                "calibration": obj(
                    {
                        "graders": array(
                            obj(
                                {
                                    "grader_id": ID,
                                    "name": TEXT,
                                    "inspectorate": TEXT,
                                    **deviation,
                                }
                            )
                        ),
                        "inspectorates": array(
                            obj(
                                {
                                    "inspectorate": TEXT,
                                    "graders": integer(minimum=0),
                                    **deviation,
                                }
                            )
                        ),
                        "self_assessment": nullable(
                            obj(
                                {
                                    **deviation,
                                    "over_rated": integer(minimum=0),
                                    "under_rated": integer(minimum=0),
                                    "matched": integer(minimum=0),
                                    "verdict": TEXT,
                                }
                            )
                        ),
                    }
                ),
            },
            optional=("calibration",),
            description="calibration appears once grades are no longer blind (moderation on).",
        ),
        "ReconciliationRow": obj(
            {
                "id": TEXT,
                "kind": enum(["key_judgement", "area"]),
                "number": TEXT,
                "text": TEXT,
                "area": obj({"number": integer(minimum=1), "title": TEXT}),
                "visible": boolean(),
                "submitted": integer(minimum=0),
                "grades": array(obj(_grade_properties() | {"inspectorate": nullable(TEXT)})),
                "self_grade": nullable(integer()),
                "agreed": nullable(ref("AgreedGrade")),
                "median": nullable(number()),
                "spread": nullable(integer()),
                "min": nullable(integer()),
                "max": nullable(integer()),
                "inspectorate_medians": {"type": "object", "additionalProperties": number()},
                "flagged": boolean(),
                "flags": array(obj({"code": TEXT, "message": TEXT})),
                "evidence": nullable(
                    obj({"supports": integer(minimum=0), "contradicts": integer(minimum=0)})
                ),
            }
        ),
        "ReportSection": obj(
            {
                "section": obj(
                    {
                        "key": TEXT,
                        "title": TEXT,
                        "area_number": nullable(integer()),
                        "body_markdown": TEXT,
                        "version": nullable(integer(minimum=1)),
                        "saved_by": nullable(TEXT),
                        "saved_at": nullable(DATETIME),
                    }
                )
            }
        ),
        "SectionSubmission": {
            "type": "object",
            "properties": {
                "body_markdown": TEXT,
                "version": nullable(integer(minimum=1)),
            },
            "required": ["body_markdown", "version"],
        },
        "PublishedReport": _report_export(),
        "PublishedReportListing": obj(
            {
                "review": obj(
                    {
                        "id": ID,
                        "reference": TEXT,
                        "title": TEXT,
                        "phase": enum(PHASES),
                        "authority": obj({"code": TEXT, "name": TEXT, "region": TEXT}),
                    }
                ),
                "url": string(description="The latest published version, as JSON."),
                "versions": array(
                    obj(
                        {
                            "version_number": integer(minimum=1),
                            "published_on": DATE,
                            "published_at": DATETIME,
                            "content_hash": TEXT,
                            "reasons": TEXT,
                            "url": TEXT,
                        }
                    )
                ),
            }
        ),
        "PublishedReportPage": page_of(
            "PublishedReportListing", "Published reports you may read, newest review first."
        ),
        "Indicator": obj(
            {
                "code": string(examples=["LAC-PLACEMENT-STABILITY"]),
                "title": TEXT,
                "outcome": enum(list(OUTCOMES)),
                "outcome_title": TEXT,
                "unit": enum(list(UNITS)),
                "unit_label": TEXT,
                "higher_is_better": boolean(),
                "decimals": nullable(integer(minimum=0)),
                "key_judgements": array(
                    string(description="Key judgement numbers of the 2005 framework")
                ),
                "description": TEXT,
                "source": TEXT,
                "catalogue_version": TEXT,
            }
        ),
        "IndicatorPage": page_of("Indicator", "The indicator catalogue, in catalogue order."),
        "IndicatorValue": obj(
            {
                "indicator": string(description="The indicator's code"),
                "period": string(examples=["2006-07", "2006"]),
                "value": number(),
                "updated_at": DATETIME,
            }
        ),
        "IndicatorValuePage": page_of(
            "IndicatorValue", "An authority's figures, by indicator and period."
        ),
    }


def _grade_properties() -> dict[str, Schema]:
    return {
        "grader": obj({"id": ID, "name": TEXT, "inspectorate": nullable(TEXT)}),
        "grade": integer(description="A point on the rubric's grade scale (1–4, 4 best)."),
        "grade_label": TEXT,
        "rationale": TEXT,
        "confidence": enum(["low", "medium", "high"]),
        "version": integer(minimum=1),
        "submitted_at": DATETIME,
        "updated_at": DATETIME,
    }


def _descriptors() -> Schema:
    return {
        "type": "object",
        "description": "Descriptor text by grade (keys are grades, best first).",
        "additionalProperties": TEXT,
    }


def _review_summary_properties() -> dict[str, Schema]:
    return {
        "id": ID,
        "reference": string(examples=["JAR-2026-001"]),
        "title": TEXT,
        "phase": enum(PHASES),
        "phase_label": TEXT,
        "authority": obj({"id": ID, "code": TEXT, "name": TEXT, "region": TEXT}),
        "rubric": obj(
            {"key": TEXT, "version": TEXT, "revision": integer(minimum=1), "title": TEXT}
        ),
        "planned_dates": obj(
            {
                name: nullable(DATE)
                for name in (
                    "set_up_on",
                    "analysis_week_on",
                    "fieldwork_week_one_on",
                    "fieldwork_week_two_on",
                    "publication_due_on",
                )
            }
        ),
        "lead_inspector": nullable(
            obj({"name": TEXT, "inspectorate": nullable(ref("Inspectorate"))})
        ),
        "your_role": nullable(enum(ROLES)),
    }


def _rubric_summary_properties() -> dict[str, Schema]:
    return {
        "key": string(examples=["jar-2005"]),
        "version": string(examples=["1.0"]),
        "revision": integer(minimum=1),
        "title": TEXT,
        "source": TEXT,
        "content_hash": TEXT,
        "loaded_at": DATETIME,
        "is_latest": boolean(),
    }


def _evidence_properties() -> dict[str, Schema]:
    return {
        "id": ID,
        "title": TEXT,
        "kind": enum(KINDS),
        "kind_label": TEXT,
        "source": TEXT,
        "gathered_on": DATE,
        "inspectorate": nullable(ref("Inspectorate")),
        "neighbourhood": TEXT,
        "restricted": boolean(),
        "added_at": DATETIME,
        "deleted_at": nullable(DATETIME),
        "files": array(
            obj({"id": ID, "name": TEXT, "media_type": TEXT, "size": integer(minimum=0)})
        ),
        "bearings": array(obj({"key_judgement": TEXT, "stance": enum(STANCES)})),
    }


def _report_export() -> Schema:
    """The JSON export of a published report (``inspect_app/exports/export_json.py``)."""
    return obj(
        {
            "format": enum(["jar-workbench/report"]),
            "format_version": integer(),
            "content_hash": TEXT,
            "content_hash_algorithm": TEXT,
            "content_hash_schema": {},
            "audience": enum(["public", "inspection_team"]),
            "review": obj(
                {
                    "reference": TEXT,
                    "title": TEXT,
                    "status": enum(["draft", "published"]),
                    "version_number": integer(minimum=1),
                    "published_on": nullable(DATE),
                    "issue_reasons": TEXT,
                }
            ),
            "authority": obj({"name": TEXT, "region": TEXT}),
            "rubric": obj({"key": TEXT, "version": TEXT, "title": TEXT}),
            "sections": obj(
                {
                    "introduction_markdown": TEXT,
                    "context_markdown": TEXT,
                    "main_findings_markdown": TEXT,
                }
            ),
            "grades": array(
                obj(
                    {
                        "area_number": integer(),
                        "area_title": TEXT,
                        "kind": enum(AREA_KINDS),
                        "grade": nullable(integer()),
                        "label": TEXT,
                        "is_override": boolean(),
                    }
                )
            ),
            "recommendations": array(
                obj(
                    {
                        "number": integer(),
                        "band": enum(["immediate", "six_months", "longer_term"]),
                        "band_label": TEXT,
                        "area_number": nullable(integer()),
                        "area_title": TEXT,
                        "responsible_body": TEXT,
                        "text": TEXT,
                        "text_markdown": TEXT,
                    }
                )
            ),
            "areas": array(
                obj(
                    {
                        "area_number": integer(),
                        "area_title": TEXT,
                        "kind": enum(AREA_KINDS),
                        "narrative_markdown": TEXT,
                        "strengths_markdown": TEXT,
                        "weaknesses_markdown": TEXT,
                    }
                )
            ),
            "judgements": array(
                obj(
                    {
                        "judgement": TEXT,
                        "title": TEXT,
                        "agreed_grade": nullable(integer()),
                        "agreed_label": TEXT,
                        "agreed_by": TEXT,
                        "agreed_at": nullable(DATETIME),
                        "reasons": TEXT,
                        "revisions_count": integer(minimum=0),
                        "evidence_supports": integer(minimum=0),
                        "evidence_contradicts": integer(minimum=0),
                        "team_grades": array(
                            obj(
                                {
                                    "grader_name": TEXT,
                                    "inspectorate": TEXT,
                                    "grade": nullable(integer()),
                                    "rationale_excerpt": TEXT,
                                }
                            )
                        ),
                        "agreed_versions": array(
                            obj(
                                {
                                    "version": integer(minimum=1),
                                    "agreed_grade": integer(),
                                    "agreed_label": TEXT,
                                    "agreed_by": TEXT,
                                    "agreed_at": nullable(DATETIME),
                                    "reasons": TEXT,
                                    "is_override": boolean(),
                                    "derived_grade": nullable(integer()),
                                }
                            )
                        ),
                        "team_grade_history": array(
                            obj(
                                {
                                    "grader_name": TEXT,
                                    "inspectorate": TEXT,
                                    "revisions": array(
                                        obj(
                                            {
                                                "version": integer(minimum=1),
                                                "grade": integer(),
                                                "recorded_by": TEXT,
                                                "recorded_at": nullable(DATETIME),
                                                "rationale": TEXT,
                                            }
                                        )
                                    ),
                                }
                            )
                        ),
                    }
                )
            ),
            "evidence_index": array(
                obj(
                    {
                        "title": TEXT,
                        "kind": TEXT,
                        "inspectorate": TEXT,
                        "date": nullable(DATE),
                        "judgements": TEXT,
                        "restricted": boolean(),
                    },
                    optional=("restricted",),
                )
            ),
            "children_summary_markdown": TEXT,
        },
        description="The report as published (the JSON export). Restricted evidence is "
        "listed, with `restricted`, for the inspection team only.",
    )


# --------------------------------------------------------------------------- operations

ERRORS = {
    400: "Not a JSON object, or a session request without its CSRF token.",
    401: "No session and no valid API token.",
    403: "You are on the team but may not do this.",
    404: "No such thing, or one you may not see.",
    409: "Somebody saved a newer version first: `current` holds it.",
    422: "A field or parameter is wrong: `field` names it.",
}


def _error(status: int) -> Schema:
    response: Schema = {
        "description": ERRORS[status],
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"schema": string(), "description": "Bearer realm=…"}
        }
    return response


def _ok(schema: str, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def path_id(name: str, description: str) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": integer(minimum=1, maximum=MAX_ID),
    }


def query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


REVIEW_ID = path_id("review_id", "The review's id (from GET /reviews).")
JUDGEMENT_ID = {
    "name": "judgement_id",
    "in": "path",
    "required": True,
    "description": "kj-2.3 for key judgement 2.3, area-2 for area 2 as a whole.",
    "schema": string(pattern=r"^(kj-[0-9]+\.[0-9]+|area-[0-9]+)$"),
}
SECTION_KEY = {
    "name": "key",
    "in": "path",
    "required": True,
    "description": "introduction, context, main-findings, area-N-narrative, "
    "area-N-strengths, area-N-weaknesses or children-summary.",
    "schema": string(
        pattern=r"^(introduction|context|main-findings|children-summary"
        r"|area-[0-9]+-(narrative|strengths|weaknesses))$"
    ),
}
PAGINATION = [
    query("page", integer(minimum=1, maximum=MAX_PAGE, default=1), "Page number, from 1."),
    query(
        "per_page",
        integer(minimum=1, maximum=MAX_PER_PAGE, default=DEFAULT_PER_PAGE),
        f"Items per page (at most {MAX_PER_PAGE}).",
    ),
]


def operation(
    operation_id: str,
    summary: str,
    ok: dict[int, Schema],
    errors: tuple[int, ...],
    *,
    parameters: list[Schema] = (),  # type: ignore[assignment]
    body: str | None = None,
    tag: str,
    description: str = "",
) -> Schema:
    op: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "parameters": list(parameters),
        "responses": {str(k): v for k, v in ok.items()}
        | {str(status): _error(status) for status in (401, *errors)},
    }
    if description:
        op["description"] = description
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        }
    return op


def _paths() -> dict[str, Schema]:
    review = [REVIEW_ID]
    return {
        "/reviews": {
            "get": operation(
                "listReviews",
                "Reviews you may see",
                {200: _ok("ReviewPage", "A page of reviews.")},
                (422,),
                parameters=[
                    *PAGINATION,
                    query("phase", enum(PHASES), "Only reviews in this phase."),
                ],
                tag="Reviews",
                description="Authority users see their own authority's reviews, "
                "administrators all, inspectors those whose team they are on.",
            )
        },
        "/reviews/{review_id}": {
            "get": operation(
                "getReview",
                "One review",
                {200: _ok("Review", "The review.")},
                (404,),
                parameters=review,
                tag="Reviews",
            )
        },
        "/rubrics": {
            "get": operation(
                "listRubrics",
                "The rubric library",
                {200: _ok("RubricPage", "A page of rubric revisions.")},
                (422,),
                parameters=PAGINATION,
                tag="Rubrics",
            )
        },
        "/rubrics/{key}/{version}": {
            "get": operation(
                "getRubric",
                "One rubric: scale, judgement areas and key judgements",
                {200: _ok("Rubric", "The rubric.")},
                (404, 422),
                parameters=[
                    {
                        "name": "key",
                        "in": "path",
                        "required": True,
                        "schema": string(examples=["jar-2005"]),
                    },
                    {
                        "name": "version",
                        "in": "path",
                        "required": True,
                        "schema": string(examples=["1.0"]),
                    },
                    query(
                        "revision",
                        integer(minimum=1, maximum=MAX_ID),
                        "A particular revision (default: the newest of this version).",
                    ),
                ],
                tag="Rubrics",
            )
        },
        "/reviews/{review_id}/evidence": {
            "get": operation(
                "listEvidence",
                "Evidence metadata of a review",
                {200: _ok("EvidencePage", "A page of evidence items.")},
                (403, 404, 422),
                parameters=[
                    REVIEW_ID,
                    *PAGINATION,
                    query("kind", enum(KINDS), "Only evidence of this kind."),
                    query(
                        "key_judgement",
                        string(examples=["2.3"]),
                        "Only evidence bearing on this key judgement (its number).",
                    ),
                    query("inspectorate", enum(INSPECTORATES), "Only evidence it gathered."),
                ],
                tag="Evidence",
                description="The team and administrators; restricted items only to the "
                "team's inspectors. Authority users get 404.",
            )
        },
        "/reviews/{review_id}/evidence/{item_id}": {
            "get": operation(
                "getEvidence",
                "One evidence item's metadata",
                {200: _ok("EvidenceItemDetail", "The item.")},
                (403, 404),
                parameters=[REVIEW_ID, path_id("item_id", "The evidence item's id.")],
                tag="Evidence",
                description="Looking at a restricted item is audit-logged.",
            )
        },
        "/reviews/{review_id}/grades": {
            "get": operation(
                "listGrades",
                "Grades you may see, per judgement",
                {200: _ok("JudgementGradesPage", "A page of judgements.")},
                (404, 422),
                parameters=[
                    REVIEW_ID,
                    *PAGINATION,
                    query("area", integer(minimum=1, maximum=1000), "Only this area."),
                ],
                tag="Grades",
                description="Blind grading: the team's provisional grades for a judgement "
                "once you have graded it or the review reaches moderation; never for "
                "authority users or administrators. Agreed grades where the pages show them.",
            )
        },
        "/reviews/{review_id}/grades/{judgement_id}": {
            "get": operation(
                "getMyGrade",
                "Your own grade for a judgement",
                {200: _ok("MyGrade", "Your grade and its version (null if none yet).")},
                (403, 404),
                parameters=[REVIEW_ID, JUDGEMENT_ID],
                tag="Grades",
            ),
            "put": operation(
                "putGrade",
                "Submit or revise your grade",
                {
                    200: _ok("GradeSaved", "Revised."),
                    201: _ok("GradeSaved", "First grade submitted."),
                },
                (400, 403, 404, 409, 422),
                parameters=[REVIEW_ID, JUDGEMENT_ID],
                body="GradeSubmission",
                tag="Grades",
                description="`version`: null for a first grade, otherwise the version you "
                "last read.",
            ),
        },
        "/reviews/{review_id}/agreed-grades/{judgement_id}": {
            "put": operation(
                "putAgreedGrade",
                "Record or change an agreed grade (lead inspector, moderation)",
                {
                    200: _ok("AgreedGradeSaved", "Changed."),
                    201: _ok("AgreedGradeSaved", "Recorded."),
                },
                (400, 403, 404, 409, 422),
                parameters=[REVIEW_ID, JUDGEMENT_ID],
                body="AgreedGradeSubmission",
                tag="Grades",
            )
        },
        "/reviews/{review_id}/reconciliation": {
            "get": operation(
                "getReconciliation",
                "The reconciliation matrix and agreement statistics",
                {200: _ok("Reconciliation", "The matrix as you may see it.")},
                (403, 404),
                parameters=review,
                tag="Grades",
            )
        },
        "/reports": {
            "get": operation(
                "listReports",
                "Published reports you may read",
                {200: _ok("PublishedReportPage", "A page of published reports.")},
                (422,),
                parameters=PAGINATION,
                tag="Reports",
            )
        },
        "/reviews/{review_id}/report": {
            "get": operation(
                "getPublishedReport",
                "The published report as JSON",
                {200: _ok("PublishedReport", "The report as published.")},
                (403, 404),
                parameters=[
                    REVIEW_ID,
                    query(
                        "version",
                        integer(minimum=1),
                        "A published version (default: the latest).",
                    ),
                ],
                tag="Reports",
            )
        },
        "/reviews/{review_id}/report/sections/{key}": {
            "get": operation(
                "getReportSection",
                "One section of the draft report",
                {200: _ok("ReportSection", "The section and its version.")},
                (403, 404),
                parameters=[REVIEW_ID, SECTION_KEY],
                tag="Reports",
            ),
            "put": operation(
                "putReportSection",
                "Save a section of the draft report",
                {
                    200: _ok("ReportSection", "Saved."),
                    201: _ok("ReportSection", "First saved."),
                },
                (400, 403, 404, 409, 422),
                parameters=[REVIEW_ID, SECTION_KEY],
                body="SectionSubmission",
                tag="Reports",
            ),
        },
        "/indicators": {
            "get": operation(
                "listIndicators",
                "The indicator catalogue",
                {200: _ok("IndicatorPage", "A page of indicators.")},
                (422,),
                parameters=[
                    *PAGINATION,
                    query("outcome", enum(list(OUTCOMES)), "Only indicators of this outcome."),
                ],
                tag="Indicators",
            )
        },
        "/authorities/{code}/indicators": {
            "get": operation(
                "listAuthorityIndicatorValues",
                "An authority's indicator values",
                {200: _ok("IndicatorValuePage", "A page of figures.")},
                (404, 422),
                parameters=[
                    {
                        "name": "code",
                        "in": "path",
                        "required": True,
                        "description": "The authority's code.",
                        "schema": string(maxLength=40),
                    },
                    *PAGINATION,
                    query("indicator", string(maxLength=40), "Only this indicator (its code)."),
                    query("period", string(maxLength=7), "Only this period, like 2006-07."),
                ],
                tag="Indicators",
                description="Inspectors and administrators: any authority. Authority users: "
                "their own authority only (404 for any other).",
            )
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document",
                "tags": ["Meta"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def document() -> dict[str, Any]:
    """The whole OpenAPI document (paths relative to the server ``/api/v1``)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "JAR Workbench API",
            "version": "1",
            "description": (
                "Reviews, rubrics, evidence metadata, grades (within the rules of blind "
                "grading), published reports and indicators. Same permission rules as the "
                'pages. Errors are {"error": {"code", "message"}}. Lists take ?page= and '
                '?per_page= and answer {"items", "page", "per_page", "total"}. '
                "See docs/api.md."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}, {"sessionCookie": []}],
        "tags": [
            {"name": name}
            for name in (
                "Reviews",
                "Rubrics",
                "Evidence",
                "Grades",
                "Reports",
                "Indicators",
                "Meta",
            )
        ],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (jarw_…) from your profile page.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser session. PUT requests must also send the "
                    "CSRF token in the X-CSRFToken header.",
                },
            },
            "schemas": _schemas(),
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(document())
