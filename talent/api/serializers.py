from decimal import Decimal

from rest_framework import serializers

from platform_core.api.serializers import UserBriefSerializer
from platform_core.models import Organisation
from platform_core.visibility import VisibleRelatedField

from .. import selectors
from ..models import DualMentorAssignment, EnterpriseMentor, HireShare, SharedHire, TalentEvidence, TalentProfile


class TalentEvidenceSerializer(serializers.ModelSerializer):
    profile = VisibleRelatedField(selectors.talent_profiles_visible_to)

    class Meta:
        model = TalentEvidence
        fields = ["id", "profile", "kind", "title", "year", "summary", "url", "identifier"]


class TalentProfileSerializer(serializers.ModelSerializer):
    evidence = TalentEvidenceSerializer(many=True, read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    expertise = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    user = VisibleRelatedField(selectors.accounts_for_profiles, required=False, allow_null=True)
    organisation = VisibleRelatedField(selectors.universities_for_hr)

    class Meta:
        model = TalentProfile
        fields = [
            "id", "user", "name_zh", "name_en", "organisation", "organisation_name", "title", "is_overseas",
            "country", "expertise", "fields", "industry_nodes", "languages", "availability", "biography",
            "evidence", "created_at",
        ]
        read_only_fields = ["created_at"]


class TalentProfileUpdateSerializer(TalentProfileSerializer):
    """The account a profile names controls it, and the profile stays with its organisation: neither changes here."""

    user = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)


class HireShareSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    role = serializers.CharField(read_only=True)
    time_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=Decimal("0"))

    class Meta:
        model = HireShare
        fields = ["organisation", "organisation_name", "role", "salary_percent", "time_percent"]


class SharedHireSerializer(serializers.ModelSerializer):
    shares = HireShareSerializer(many=True)
    talent = VisibleRelatedField(selectors.talent_profiles_visible_to)
    university = VisibleRelatedField(selectors.universities_for_hr)
    talent_name = serializers.CharField(source="talent.name_zh", read_only=True)
    university_name = serializers.CharField(source="university.name_zh", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SharedHire
        fields = [
            "id", "talent", "talent_name", "university", "university_name", "position", "annual_cost",
            "start_date", "end_date", "status", "status_display", "effective_at", "terminated_on", "renewal_of",
            "notes", "shares", "created_at",
        ]
        read_only_fields = ["status", "effective_at", "terminated_on", "renewal_of", "created_at"]
        # The agreement's rules (dates, shares) are the service's, with its messages.
        validators = []


class SharedHireUpdateSerializer(SharedHireSerializer):
    talent = serializers.PrimaryKeyRelatedField(read_only=True)
    university = serializers.PrimaryKeyRelatedField(read_only=True)


class RenewInputSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    annual_cost = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)


class TerminateInputSerializer(serializers.Serializer):
    on_date = serializers.DateField()
    reason = serializers.CharField()


class CostLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    organisation = serializers.IntegerField(source="share.organisation_id")
    organisation_name = serializers.CharField(source="share.organisation.name_zh")
    role = serializers.CharField(source="share.role")
    salary_percent = serializers.DecimalField(source="share.salary_percent", max_digits=5, decimal_places=2)
    months = serializers.DecimalField(max_digits=5, decimal_places=2)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class CostReportRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation.pk")
    organisation_name = serializers.CharField(source="organisation.name_zh")
    role = serializers.CharField()
    hires = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class EnterpriseMentorSerializer(serializers.ModelSerializer):
    user = VisibleRelatedField(selectors.enterprise_people)
    university = VisibleRelatedField(selectors.universities_for_hr)
    user_detail = UserBriefSerializer(source="user", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    university_name = serializers.CharField(source="university.name_zh", read_only=True)

    class Meta:
        model = EnterpriseMentor
        fields = [
            "id", "user", "user_detail", "organisation", "organisation_name", "university", "university_name",
            "title", "fields", "expertise", "term_start", "term_end", "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []


class DualMentorAssignmentSerializer(serializers.ModelSerializer):
    student = VisibleRelatedField(selectors.students_for_assignment)
    university_mentor = VisibleRelatedField(selectors.university_mentors_for_assignment)
    university = VisibleRelatedField(selectors.universities_for_hr)
    enterprise_mentor = VisibleRelatedField(selectors.mentors_for_assignment)
    center = VisibleRelatedField(selectors.placement_centers, required=False, allow_null=True)
    project = VisibleRelatedField(selectors.placement_projects, required=False, allow_null=True)
    student_detail = UserBriefSerializer(source="student", read_only=True)
    university_mentor_detail = UserBriefSerializer(source="university_mentor", read_only=True)
    enterprise_mentor_detail = UserBriefSerializer(source="enterprise_mentor.user", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DualMentorAssignment
        fields = [
            "id", "student", "student_detail", "degree", "university", "university_mentor",
            "university_mentor_detail", "enterprise_mentor", "enterprise_mentor_detail", "enterprise",
            "placement_kind", "center", "project", "placement_label", "thesis_topic", "start_date",
            "expected_graduation", "status", "status_display", "ended_on", "created_at",
        ]
        read_only_fields = ["enterprise", "status", "ended_on", "created_at"]
        validators = []


class CloseInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[DualMentorAssignment.Status.GRADUATED,
                                              DualMentorAssignment.Status.WITHDRAWN])
    on_date = serializers.DateField()


class TalentCountsSerializer(serializers.Serializer):
    shared_talent_in_effect = serializers.IntegerField()
    enterprise_mentors_appointed = serializers.IntegerField()
    students_trained = serializers.IntegerField()
    students_in_training = serializers.IntegerField()


class CountsQuerySerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class CostReportQuerySerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)


class PerformanceProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="project.pk")
    title = serializers.CharField(source="project.title")
    status = serializers.CharField(source="project.status")
    led = serializers.BooleanField()
    start_trl = serializers.IntegerField(source="project.start_trl")
    current_trl = serializers.IntegerField(source="project.current_trl")
    assessment_mean = serializers.FloatField(allow_null=True)


class ProjectPerformanceSerializer(serializers.Serializer):
    projects = PerformanceProjectSerializer(many=True)
    led = serializers.IntegerField()
    solved = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    trl_uplift = serializers.IntegerField()
    assessment_mean = serializers.FloatField(allow_null=True)
    assessments_failed = serializers.IntegerField()


class TransferPerformanceSerializer(serializers.Serializer):
    achievements = serializers.IntegerField()
    converted = serializers.IntegerField()
    received = serializers.DecimalField(max_digits=16, decimal_places=2)
    cash_rewards = serializers.DecimalField(max_digits=16, decimal_places=2)
    equity_rewards = serializers.DecimalField(max_digits=16, decimal_places=2)


class PerformanceSerializer(serializers.Serializer):
    """The talent profile's performance record (the person, the TTO and platform administrators only)."""
    projects = ProjectPerformanceSerializer()
    transfer = TransferPerformanceSerializer()
