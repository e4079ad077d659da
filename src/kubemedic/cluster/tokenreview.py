"""Ask the cluster who a bearer token belongs to (authentication.k8s.io/v1 TokenReview)."""

from __future__ import annotations

from dataclasses import dataclass

from lightkube import AsyncClient
from lightkube.models.authentication_v1 import TokenReviewSpec
from lightkube.resources.authentication_v1 import TokenReview


@dataclass(frozen=True, slots=True)
class ReviewedToken:
    authenticated: bool
    username: str
    groups: tuple[str, ...]


async def review_token(client: AsyncClient, token: str) -> ReviewedToken:
    result = await client.create(TokenReview(spec=TokenReviewSpec(token=token)))
    status = result.status
    if status is None or not status.authenticated or status.user is None:
        return ReviewedToken(False, "", ())
    return ReviewedToken(True, status.user.username or "", tuple(status.user.groups or ()))
