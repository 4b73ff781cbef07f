"""REST route for finding cases, with filters that reach into assessments and care."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.casefile import services
from casework.casefile.schemas import CaseSearchSchema
from casework.cases.schemas import CaseSchema

blp = Blueprint("casefile", __name__, url_prefix="/api/v1", description="Finding cases")


@blp.route("/cases")
class CaseSearch(MethodView):
    @blp.arguments(CaseSearchSchema, location="query")
    @blp.response(200, page_of(CaseSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """The cases you may see, newest first, filtered."""
        cursor, limit = args.pop("cursor", None), args.pop("limit")
        page = services.find_cases(
            current_staff(), services.CaseSearch(**args), cursor=cursor, limit=limit
        )
        return page_response(page)
