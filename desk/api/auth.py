"""simplejwt's token views, with every answer they can give in the OpenAPI document."""
from drf_spectacular.utils import extend_schema
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from desk.api.common import errors
from desk.api.throttles import LoginIpThrottle, LoginUserThrottle


class TokenObtainApi(TokenObtainPairView):
    # Password guesses per client address and per username (failed ones are counted on /metrics).
    throttle_classes = [LoginIpThrottle, LoginUserThrottle]

    @extend_schema(summary="Get a JWT pair: access (15 min) and refresh", responses={
        200: TokenObtainPairView.serializer_class, **errors(400, 401, 429)})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRefreshApi(TokenRefreshView):
    @extend_schema(summary="Trade a refresh token for a new pair; the old one is blacklisted", responses={
        200: TokenRefreshView.serializer_class, **errors(400, 401, 429)})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
