"""API of the way in: invitations, membership requests, organisation applications."""
from django.contrib.auth import authenticate
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.serializers import UserBriefSerializer
from ..models import Invitation, MembershipRequest, Organisation, OrganisationApplication, Role
from ..permissions import organisations_administered_by
from . import selectors, services
from .lockout import lockout_message


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    invited_by = UserBriefSerializer(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Invitation
        fields = ["id", "organisation", "email", "role", "language", "status", "invited_by", "created_at",
                  "sent_at", "expires_at", "accepted_at", "revoked_at"]
        read_only_fields = ["created_at", "sent_at", "expires_at", "accepted_at", "revoked_at"]


class InvitationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invitations to the organisations you administer. POST invites; `resend` re-invites; `revoke` cancels."""

    serializer_class = InvitationSerializer
    filterset_fields = ["organisation", "role"]
    search_fields = ["email"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Invitation.objects.none()
        return selectors.invitations_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        organisation = data["organisation"]
        if not organisations_administered_by(self.request.user).filter(pk=organisation.pk).exists():
            raise PermissionDenied("您不是该单位的管理员。/ You do not administer this organisation.")
        serializer.instance = services.invitation_create(
            actor=self.request.user, organisation=organisation, email=data["email"], role=data["role"],
            language=data.get("language") or "zh-hans",
        )

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        invitation = services.invitation_resend(actor=request.user, invitation=self.get_object())
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(actor=request.user, invitation=self.get_object())
        return Response(InvitationSerializer(invitation).data)


class JoinRequestSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = MembershipRequest
        fields = ["id", "user", "email", "organisation", "role", "message", "source", "status", "created_at",
                  "decided_at", "reason"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MembershipRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Requests to join the organisations you administer (self-registration and first SSO sign-ins)."""

    serializer_class = JoinRequestSerializer
    filterset_fields = ["organisation", "status", "source"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MembershipRequest.objects.none()
        return selectors.membership_requests_visible_to(self.request.user)

    @extend_schema(request=ApproveSerializer, responses=JoinRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = self.get_object()
        services.membership_request_approve(actor=request.user, request=obj, role=data.validated_data.get("role"))
        obj.refresh_from_db()
        return Response(JoinRequestSerializer(obj).data)

    @extend_schema(request=RefuseSerializer, responses=JoinRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = RefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.membership_request_refuse(actor=request.user, request=self.get_object(),
                                                 reason=data.validated_data.get("reason", ""))
        return Response(JoinRequestSerializer(obj).data)


class OrganisationApplicationSerializer(serializers.ModelSerializer):
    applicant = UserBriefSerializer(read_only=True)

    class Meta:
        model = OrganisationApplication
        fields = ["id", "applicant", "kind", "name_zh", "name_en", "credit_code", "region", "status", "created_at",
                  "organisation", "decided_at", "reason"]
        read_only_fields = fields


class OrganisationApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """New organisations waiting for platform-admin verification (platform administrators only)."""

    serializer_class = OrganisationApplicationSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrganisationApplication.objects.none()
        return selectors.organisation_applications_visible_to(self.request.user)

    @extend_schema(request=None, responses=OrganisationApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        obj = self.get_object()
        services.organisation_application_approve(actor=request.user, application=obj)
        obj.refresh_from_db()
        return Response(OrganisationApplicationSerializer(obj).data, status=status.HTTP_200_OK)

    @extend_schema(request=RefuseSerializer, responses=OrganisationApplicationSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = RefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.organisation_application_refuse(actor=request.user, application=self.get_object(),
                                                       reason=data.validated_data.get("reason", ""))
        return Response(OrganisationApplicationSerializer(obj).data)


class TokenOutputSerializer(serializers.Serializer):
    token_key = serializers.CharField(help_text="The token's first characters: how it is listed and revoked.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()


class TokenCreateSerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, help_text="Lifetime in days (default 30).")
    username = serializers.CharField(required=False, help_text="Without a session or token: sign in with these.")
    password = serializers.CharField(required=False, style={"input_type": "password"}, write_only=True)


class TokenCreatedSerializer(TokenOutputSerializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only this once.")


class TokenListView(APIView):
    """Your API tokens. POST creates one (signed in, or with `username` and `password`: that sign-in counts
    towards the lockout like the login page); the token is in this answer only."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=TokenOutputSerializer(many=True))
    def get(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        return Response(TokenOutputSerializer(services.api_tokens_of(request.user), many=True).data)

    @extend_schema(request=TokenCreateSerializer, responses={201: TokenCreatedSerializer})
    def post(self, request):
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if not user.is_authenticated:
            username, password = data.validated_data.get("username"), data.validated_data.get("password")
            if not username or not password:
                raise NotAuthenticated()
            user = authenticate(request._request, username=username, password=password)
            if getattr(request._request, "axes_locked_out", False):
                return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            if user is None:
                raise AuthenticationFailed(_("Wrong user name or password."))
        row, token = services.api_token_create(actor=user, days=data.validated_data.get("days"))
        return Response({**TokenOutputSerializer(row).data, "token": token}, status=status.HTTP_201_CREATED,
                        headers={"Cache-Control": "no-store"})


class TokenDetailView(APIView):
    """DELETE revokes one of your tokens; someone else's is not found."""

    @extend_schema(responses={204: None})
    def delete(self, request, token_key):
        try:
            services.api_token_revoke(actor=request.user, token_key=token_key)
        except ObjectDoesNotExist:
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
