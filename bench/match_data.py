"""Data sets for the matching benchmarks: a given database, or a synthetic one made with bulk_create.

    from match_data import setup_django, prepare_database
    path = prepare_database(db=None, synthetic="30000,2000,4000")   # before django.setup()

The synthetic world stands in for `manage.py seed_scale --scale 1` when its file
(/tmp/scale1.sqlite3) is not there: texts are the CSL papers of ../shared/eval
(real Chinese abstracts, titles and keywords) recombined per record, the 13
categories and 67 disciplines become technology fields (parent and child) and
industry chains and nodes.  Sizes follow the scale-1 proportions: for A
achievements, E enterprises and C challenges there are 2/3·A patents (3/5 of them
belonging to an achievement), A·13/60 users (researchers of 40 schools of 4
universities, TTO staff, 71 brokers, an R&D manager per enterprise), E/8 joint
centers and 1,500 talent profiles per 6,500 users.  Rows are written with
bulk_create, so no signal fires (as under seed_scale's `generating()`).
"""
from __future__ import annotations

import datetime
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCALE1 = Path("/tmp/scale1.sqlite3")
SEED = 1121


def setup_django(database_path: Path | None, **env: str) -> None:
    """Configure the embedded default settings on ``database_path`` (or DATABASE_URL) and set Django up."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "bench"))
    if database_path is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DEBUG", "0")
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def dataset_path(db: str | None, synthetic: str | None) -> tuple[Path | None, str]:
    """(sqlite file or None for DATABASE_URL, label)."""
    if db:
        return Path(db), db
    if synthetic is None and os.environ.get("DATABASE_URL"):
        return None, os.environ["DATABASE_URL"]
    if synthetic is None and SCALE1.exists():
        return SCALE1, str(SCALE1)
    sizes = synthetic or "30000,2000,4000"
    return Path(f"/tmp/match_synthetic_{sizes.replace(',', '_')}.sqlite3"), f"synthetic {sizes}"


def working_copy(path: Path | None, copy: Path) -> Path | None:
    """A fresh copy of a sqlite data set, so every run starts from the same rows."""
    if path is None:
        return None
    shutil.copyfile(path, copy)
    return copy


def build_synthetic(path: Path, sizes: str) -> None:
    """Migrate ``path`` and fill it, in a process of its own (Django is set up once per process)."""
    subprocess.run([sys.executable, __file__, str(path), sizes], check=True)


def _build(path: Path, sizes: str) -> None:
    achievements, enterprises, challenges = (int(x) for x in sizes.split(","))
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    setup_django(tmp)
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    World(achievements, enterprises, challenges).build()
    tmp.rename(path)  # only a complete data set gets the name
    print(f"synthetic data set {sizes} built in {time.monotonic() - started:.0f} s: {path}", flush=True)


def load_papers() -> list[dict]:
    import match_quality

    return match_quality.load_papers(match_quality.default_data_path())


class World:
    def __init__(self, achievements: int, enterprises: int, challenges: int):
        self.n_achievements, self.n_enterprises, self.n_challenges = achievements, enterprises, challenges
        self.n_users = max(200, achievements * 13 // 60)
        self.n_patents = achievements * 2 // 3
        self.n_centers = max(3, enterprises // 8)
        self.rng = random.Random(SEED)
        self.papers = load_papers()
        self.clauses = [[c for c in re.split(r"[,，;；。.]", p["abstract"]) if c.strip()] for p in self.papers]
        self.by_discipline: dict[str, list[int]] = defaultdict(list)
        for i, paper in enumerate(self.papers):
            self.by_discipline[paper["discipline"]].append(i)
        self.serial = 0

    # ------------------------------------------------------------------ texts
    def paper(self, discipline: str | None = None) -> int:
        return self.rng.choice(self.by_discipline[discipline]) if discipline else self.rng.randrange(len(self.papers))

    def abstract(self, i: int) -> str:
        own = [c for c in self.clauses[i] if self.rng.random() > 0.2] or self.clauses[i][:1]
        other = self.clauses[self.paper(self.papers[i]["discipline"])]
        own += self.rng.sample(other, min(2, len(other)))
        self.rng.shuffle(own)
        return "，".join(own) + "。"

    def title(self, i: int) -> str:
        self.serial += 1
        return f"{self.papers[i]['title'][:180]}（{self.serial:06d}）"

    # ------------------------------------------------------------------ build
    def build(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from consortia.models import JointCenter
        from platform_core.models import IndustryChain, IndustryNode, Membership, Organisation, Role, TechField
        from projects.models import Challenge
        from talent.models import TalentEvidence, TalentProfile
        from transfer.models import Achievement, Patent, Push

        rng, papers = self.rng, self.papers
        User = get_user_model()
        today = datetime.date.today()

        # taxonomy: categories are chains and parent fields, disciplines are nodes and fields
        categories = sorted({p["category"] for p in papers})
        disciplines = sorted(self.by_discipline)
        chains = IndustryChain.objects.bulk_create(
            IndustryChain(code=f"c{i}", name_zh=f"{name}产业链") for i, name in enumerate(categories))
        chain_of = dict(zip(categories, chains, strict=True))
        parents = TechField.objects.bulk_create(
            TechField(code=f"{i:02d}", name_zh=name) for i, name in enumerate(categories))
        parent_of = dict(zip(categories, parents, strict=True))
        category_of = {p["discipline"]: p["category"] for p in papers}
        keywords_of: dict[str, list[str]] = {}
        for d in disciplines:
            counts: dict[str, int] = defaultdict(int)
            for i in self.by_discipline[d]:
                for k in papers[i]["keywords"]:
                    counts[k] += 1
            keywords_of[d] = sorted(counts, key=lambda k: -counts[k])[:8]
        nodes = IndustryNode.objects.bulk_create(
            IndustryNode(chain=chain_of[category_of[d]], segment=("upstream", "midstream", "downstream")[i % 3],
                         code=f"n{i}", name_zh=d, keywords=keywords_of[d]) for i, d in enumerate(disciplines))
        node_of = dict(zip(disciplines, nodes, strict=True))
        fields = TechField.objects.bulk_create(
            TechField(code=f"{parent_of[category_of[d]].code}{i:02d}", name_zh=d, parent=parent_of[category_of[d]])
            for i, d in enumerate(disciplines))
        field_of = dict(zip(disciplines, fields, strict=True))

        # organisations
        universities = Organisation.objects.bulk_create(
            Organisation(kind=Organisation.Kind.UNIVERSITY, name_zh=f"合成大学{i}", credit_code=f"U{i:017d}")
            for i in range(4))
        schools = Organisation.objects.bulk_create(
            Organisation(kind=Organisation.Kind.UNIVERSITY, name_zh=f"合成大学{i % 4}第{i}学院",
                         parent=universities[i % 4])
            for i in range(40))
        enterprise_discipline = [rng.choice(disciplines) for _ in range(self.n_enterprises)]
        enterprises = Organisation.objects.bulk_create(
            Organisation(kind=Organisation.Kind.ENTERPRISE, name_zh=f"合成企业{i}", credit_code=f"E{i:017d}",
                         description=self.abstract(self.paper(d)))
            for i, d in enumerate(enterprise_discipline))
        Organisation.industry_nodes.through.objects.bulk_create(
            Organisation.industry_nodes.through(organisation_id=o.pk, industrynode_id=node_of[d].pk)
            for o, d in zip(enterprises, enterprise_discipline, strict=True))
        Organisation.fields.through.objects.bulk_create(
            Organisation.fields.through(organisation_id=o.pk, techfield_id=field_of[d].pk)
            for o, d in zip(enterprises, enterprise_discipline, strict=True))

        # people
        password = make_password("demo1121")
        users = User.objects.bulk_create(
            User(username=f"u{i}", password=password, email=f"u{i}@example.org") for i in range(self.n_users))
        n_researchers = self.n_users - self.n_enterprises - 71 - 40
        researchers = users[:n_researchers]
        brokers = users[n_researchers:n_researchers + 71]
        tto = users[n_researchers + 71:n_researchers + 111]
        managers = users[n_researchers + 111:]
        memberships = [Membership(user=u, organisation=schools[i % 40], role=Role.RESEARCHER)
                       for i, u in enumerate(researchers)]
        memberships += [Membership(user=u, organisation=schools[i % 40], role=Role.BROKER)
                        for i, u in enumerate(brokers)]
        memberships += [Membership(user=u, organisation=universities[i % 4], role=Role.TTO_STAFF)
                        for i, u in enumerate(tto)]
        memberships += [Membership(user=u, organisation=enterprises[i % len(enterprises)], role=Role.RD_MANAGER)
                        for i, u in enumerate(managers)]
        Membership.objects.bulk_create(memberships, batch_size=2000)
        researcher_discipline = [rng.choice(disciplines) for _ in researchers]
        n_talent = max(10, self.n_users * 1500 // 6500)
        talents = TalentProfile.objects.bulk_create(
            TalentProfile(user=u, name_zh=f"研究者{u.pk}", organisation=universities[i % 4], title="教授",
                          expertise=keywords_of[researcher_discipline[i]][:4],
                          biography=self.abstract(self.paper(researcher_discipline[i])),
                          availability=("available", "partial", "unavailable")[rng.randrange(10) // 4 % 3])
            for i, u in enumerate(researchers[:n_talent]))
        TalentProfile.industry_nodes.through.objects.bulk_create(
            TalentProfile.industry_nodes.through(talentprofile_id=t.pk,
                                                 industrynode_id=node_of[researcher_discipline[i]].pk)
            for i, t in enumerate(talents))
        TalentProfile.fields.through.objects.bulk_create(
            TalentProfile.fields.through(talentprofile_id=t.pk, techfield_id=field_of[researcher_discipline[i]].pk)
            for i, t in enumerate(talents))
        evidence = []
        for i, t in enumerate(talents):
            for _ in range(2):
                p = self.paper(researcher_discipline[i])
                evidence.append(TalentEvidence(profile=t, kind="publication", title=papers[p]["title"][:300],
                                               summary=self.abstract(p), year=2015 + rng.randrange(10)))
        TalentEvidence.objects.bulk_create(evidence, batch_size=2000)

        # achievements: ~5 % screened and public (1,400 of 30,000), ~3 % transferred, the rest stock
        achievement_rows, inventor_rows = [], []
        for _ in range(self.n_achievements):
            r = rng.randrange(len(researchers))
            d = researcher_discipline[r] if rng.random() < 0.7 else rng.choice(disciplines)
            p = self.paper(d)
            roll = rng.random()
            status = ("screened" if roll < 0.03 else "pushed" if roll < 0.045 else "negotiating" if roll < 0.05
                      else "transferred" if roll < 0.08 else "stock")
            school = schools[r % 40]
            achievement_rows.append(Achievement(
                title=self.title(p), owner=universities[(r % 40) % 4], school=school,
                industry_node=node_of[d], field=field_of[d], trl=rng.randint(2, 7),
                abstract=self.abstract(p), keywords=papers[p]["keywords"][:5], status=status,
                screening_reason="" if status == "stock" else "技术成熟，适合转化",
                broker=brokers[rng.randrange(len(brokers))] if rng.random() < 0.5 else None, source="import"))
            inventor_rows.append([researchers[r]] + ([researchers[rng.randrange(len(researchers))]]
                                                     if rng.random() < 0.5 else []))
        achievements = Achievement.objects.bulk_create(achievement_rows, batch_size=1000)
        Achievement.inventors.through.objects.bulk_create(
            (Achievement.inventors.through(achievement_id=a.pk, user_id=u.pk)
             for a, people in zip(achievements, inventor_rows, strict=True) for u in dict.fromkeys(people)),
            batch_size=5000)

        # patents: 3/5 belong to an achievement, the rest stand alone
        patents = Patent.objects.bulk_create(
            (Patent(application_number=f"CN2020{n:08d}.X", title=self.title(self.paper())[:300],
                    patent_type="invention", legal_status=("granted", "pending", "lapsed")[rng.randrange(10) // 4 % 3],
                    owner=universities[n % 4], filing_date=today - datetime.timedelta(days=rng.randrange(3000)),
                    ipc_codes=[f"H01L{rng.randrange(10, 99)}/{rng.randrange(10, 99)}"])
             for n in range(self.n_patents)), batch_size=1000)
        Patent.achievements.through.objects.bulk_create(
            (Patent.achievements.through(patent_id=patent.pk, achievement_id=achievements[n % len(achievements)].pk)
             for n, patent in enumerate(patents[:self.n_patents * 3 // 5])), batch_size=5000)

        # joint centers and challenges
        centers = JointCenter.objects.bulk_create(
            JointCenter(name_zh=f"合成联合研发中心{i}", enterprise=enterprises[i], university=universities[i % 4],
                        research_directions="、".join(keywords_of[enterprise_discipline[i]][:4]),
                        description=self.abstract(self.paper(enterprise_discipline[i])), status="active")
            for i in range(min(self.n_centers, len(enterprises))))
        JointCenter.industry_nodes.through.objects.bulk_create(
            JointCenter.industry_nodes.through(jointcenter_id=c.pk,
                                               industrynode_id=node_of[enterprise_discipline[i]].pk)
            for i, c in enumerate(centers))
        statuses = ["draft"] * 1 + ["published"] * 4 + ["open"] * 2 + ["in_progress"] * 1 + ["solved", "closed"]
        challenge_rows = []
        for n in range(self.n_challenges):
            e = n % len(enterprises)
            p = self.paper(enterprise_discipline[e])
            current = rng.randint(1, 5)
            challenge_rows.append(Challenge(
                poster=enterprises[e], posted_by=managers[e % len(managers)],
                center=centers[e] if e < len(centers) else None,
                partner=universities[e % 4] if e < len(centers) else None,
                title_zh=papers[p]["title"][:200], summary_zh="，".join(self.clauses[p][:3]),
                industry_node=node_of[enterprise_discipline[e]], field=field_of[enterprise_discipline[e]],
                current_trl=current, target_trl=min(9, current + rng.randint(1, 3)),
                deadline=today + datetime.timedelta(days=rng.randint(-30, 180)), status=rng.choice(statuses)))
        Challenge.objects.bulk_create(challenge_rows, batch_size=1000)

        # interest in pushes: the enterprise profile holds the achievements it took up
        public = [a for a in achievements if a.status in ("pushed", "negotiating")]
        Push.objects.bulk_create(
            (Push(achievement=a, enterprise=enterprises[rng.randrange(len(enterprises))], status="interested",
                  source="manual", pushed_by=brokers[0]) for a in public), batch_size=1000)


if __name__ == "__main__":
    _build(Path(sys.argv[1]), sys.argv[2])
