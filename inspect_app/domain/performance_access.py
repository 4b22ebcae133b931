"""Who sees what of a review's performance data. Pure Python.

The figures of the common dataset — the authority's values, the national average, the
mean of its statistical neighbours, trends and directions, the charts and their tables —
are published statistics, so everybody who may see the review sees them: the team, the
administrators and the authority's own users (users of another authority get a 404, as
for every review page). Which indicators are *markedly worse* than the neighbours, and
the hypotheses drawn from them, are the team's working for the analysis week: the
authority does not see them. Recording a benchmark as evidence is adding evidence: the
team's inspectors, in the phases where evidence may be added.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspect_app.domain.permissions import Access


@dataclass(frozen=True)
class PerformanceAccess:
    access: Access

    @property
    def can_view(self) -> bool:
        return self.access.can_view

    @property
    def can_see_hypotheses(self) -> bool:
        """Flags and hypotheses: the team's working."""
        return self.access.can_see_team_workings

    @property
    def can_record_evidence(self) -> bool:
        return self.access.can_add_evidence
