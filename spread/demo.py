"""Demo standard models and adoption sites: three models built from the demo's running projects, about 40 sites
across the regions in every state (confirmed and in use, planned, stopped; waiting for confirmation; returned).

`--scale N` (N organisations) gives one model per 500 organisations (at least three) and one site per ten (at least
40). Runs after delivery/demo.py: without running projects there is nothing to build a model from. Deterministic for a
seed; once models exist, running again creates nothing. Rows go in with bulk_create; every site points to one stored
evidence document and every model to one stored guide.
"""

import datetime
from array import array

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from delivery.models import Project
from members.models import Industry, Membership, Organization
from portal.demo import ensure_user, organisation_count, progress
from portal.files import PrivateUploadTo
from projects.models import AIArea
from spread.models import AdoptionSite, AdoptionSiteChange, Region, StandardModel, StandardModelDocument

SMALL_MODELS = 3
SMALL_SITES = 40
# Sites drawn and written at a time.
BATCH = 2000
DECIDER_EMAIL = "project-decider@alliance.example"  # projects/demo.py's decider: deciders confirm sites
PDF = b"%PDF-1.4\n% demo standard model\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

MODELS = [
    # Korean name, English name, AI area, industries, description
    ("AI 외관 불량 검출 표준모델", "AI visual defect detection model", "defect-detection", ["machinery", "automotive"],
     "카메라 영상으로 부품 표면의 긁힘·찍힘을 찾아내는 표준모델입니다. 라인별 학습 데이터 수집 절차와 검사 기준을 "
     "함께 제공합니다."),
    ("설비 고장 예지보전 표준모델", "Predictive maintenance model", "failure-prediction", ["machinery", "steel"],
     "진동·전류 센서 데이터로 설비 이상 징후를 미리 알리는 표준모델입니다. 공급기업이 센서 설치부터 운영까지 "
     "지원합니다."),
    ("공정 에너지 최적화 표준모델", "Process energy optimisation model", "energy-carbon",
     ["petrochemicals", "semiconductors"],
     "공정 조건과 전력 사용량을 함께 학습해 에너지 사용을 줄이는 표준모델입니다. 탄소 배출 산정 보고서를 함께 "
     "만듭니다."),
]
# Where demo sites are, weighted towards the manufacturing regions.
REGION_WEIGHTS = {
    Region.GYEONGGI: 8, Region.GYEONGNAM: 6, Region.GYEONGBUK: 5, Region.ULSAN: 5, Region.CHUNGNAM: 5,
    Region.CHUNGBUK: 3, Region.INCHEON: 3, Region.BUSAN: 3, Region.DAEGU: 2, Region.JEONNAM: 2, Region.JEONBUK: 2,
    Region.GWANGJU: 1, Region.DAEJEON: 1, Region.GANGWON: 1, Region.SEOUL: 1, Region.SEJONG: 1, Region.JEJU: 1,
}
# (review status, use, weight): most sites confirmed and in use, some in every other state.
STATES = [
    (AdoptionSite.Status.CONFIRMED, AdoptionSite.UseStatus.IN_USE, 11),
    (AdoptionSite.Status.CONFIRMED, AdoptionSite.UseStatus.PLANNED, 2),
    (AdoptionSite.Status.CONFIRMED, AdoptionSite.UseStatus.STOPPED, 2),
    (AdoptionSite.Status.SUBMITTED, AdoptionSite.UseStatus.IN_USE, 3),
    (AdoptionSite.Status.RETURNED, AdoptionSite.UseStatus.IN_USE, 2),
]
SITE_KINDS = ["제1공장", "제2공장", "제3공장", "본사 공장", "스마트공장동", "조립라인", "가공라인", "도장라인"]


def model_count(scale):
    return max(SMALL_MODELS, organisation_count(scale) // 500)


def site_count(scale):
    return max(SMALL_SITES, organisation_count(scale) // 10)


def seed(*, rng, scale, stdout):
    if StandardModel.objects.exists():
        stdout.write("Demo standard models already present.\n")
        return
    projects = list(Project.objects.select_related("proposal").order_by("pk"))
    if not projects:
        stdout.write("No running projects: no demo standard models.\n")
        return
    decider = ensure_user(DECIDER_EMAIL, is_staff=True, groups=["Project deciders"])
    areas = {a.code: a for a in AIArea.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    # The approved companies with an owner or manager, by id: ids only (8 bytes a company), the rows read per batch.
    companies = _companies()
    company_ids = array("q", companies.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH))
    if not company_ids:
        stdout.write("No approved companies with owners: no demo standard models.\n")
        return

    guide = default_storage.save(PrivateUploadTo("standard-models")(None, "demo.pdf"), ContentFile(PDF))
    evidence = default_storage.save(PrivateUploadTo("adoption-evidence")(None, "demo.pdf"), ContentFile(PDF))
    now = timezone.now()
    models = []
    for index in range(model_count(scale)):
        name_ko, name_en, area, fits, description = MODELS[index % len(MODELS)]
        if index >= len(MODELS):
            name_ko, name_en = f"{name_ko} {index // len(MODELS) + 1}", f"{name_en} {index // len(MODELS) + 1}"
        model = StandardModel.objects.create(
            name_ko=name_ko, name_en=name_en, ai_area=areas[area], description_ko=description,
            is_published=True, created_at=now - datetime.timedelta(days=120 - index),
        )
        model.industries.set([industries[code] for code in fits if code in industries])
        sources = rng.sample(projects, min(len(projects), rng.randint(1, 2)))
        model.projects.set(sources)
        suppliers = {p.proposal.lead_id for p in sources}
        suppliers.update(rng.sample(company_ids, min(2, len(company_ids))))
        model.suppliers.set(suppliers)
        StandardModelDocument.objects.create(standard_model=model, title="도입 안내서", file=guide,
                                             original_name=f"{name_ko} 도입 안내서.pdf")
        models.append((model, sorted(suppliers)))

    regions, region_weights = list(REGION_WEIGHTS), list(REGION_WEIGHTS.values())
    states, state_weights = [s[:2] for s in STATES], [s[2] for s in STATES]
    today = timezone.localdate()
    # In batches: the draws of a batch (in the same order as ever), then its companies' rows, then its sites.
    seen, total, counted = set(), site_count(scale), 0
    for first in progress(range(0, total, BATCH), total=-(-total // BATCH), desc="adoption sites"):
        draws = []
        for index in range(first, min(first + BATCH, total)):
            model, suppliers = models[index % len(models)]
            adopter = rng.choice(company_ids)
            kind = rng.choice(SITE_KINDS)
            status, use = rng.choices(states, state_weights)[0]
            reporter = rng.choice(suppliers + [adopter])
            submitted_at = now - datetime.timedelta(days=rng.randint(5, 200))
            planned = use == AdoptionSite.UseStatus.PLANNED
            adopted_on = today + datetime.timedelta(days=rng.randint(10, 90)) if planned \
                else (submitted_at - datetime.timedelta(days=rng.randint(0, 60))).date()
            region = rng.choices(regions, region_weights)[0]
            draws.append((index, model, adopter, kind, status, use, reporter, submitted_at, adopted_on, region))
        ids = {draw[2] for draw in draws} | {draw[6] for draw in draws}
        names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
        owners = dict(Membership.objects.managing().filter(organization__in=companies.filter(pk__in=ids))
                      .order_by("-pk").values_list("organization_id", "user_id"))
        sites = []
        for index, model, adopter, kind, status, use, reporter, submitted_at, adopted_on, region in draws:
            site_name = f"{names[adopter]} {kind}"
            if (model.pk, adopter, site_name) in seen:
                site_name = f"{site_name} {index}"
            seen.add((model.pk, adopter, site_name))
            sites.append(AdoptionSite(
                standard_model=model, organization_id=adopter, site_name=site_name, region=region,
                adopted_on=adopted_on, use_status=use, evidence=evidence, evidence_name="납품·설치 확인서.pdf",
                status=status, submitted_by_id=owners.get(reporter) or owners[adopter], submitted_for_id=reporter
                if reporter in owners else adopter, submitted_at=submitted_at,
                confirmed_at=submitted_at + datetime.timedelta(days=3) if status == AdoptionSite.Status.CONFIRMED
                else None,
                note="설치 사진과 검수 확인서를 보완해 주세요." if status == AdoptionSite.Status.RETURNED else "",
            ))
        AdoptionSite.objects.bulk_create(sites, batch_size=1000)
        _history(sites, decider)
        counted += sum(s.status == AdoptionSite.Status.CONFIRMED and s.use_status == AdoptionSite.UseStatus.IN_USE
                       for s in sites)
    stdout.write(f"Demo standard models: {len(models)}, adoption sites: {total} ({counted} confirmed in use).\n")


def _companies():
    """The approved companies with an owner or a manager: those that adopt and report sites."""
    return Organization.objects.approved().filter(
        kind=Organization.Kind.COMPANY, pk__in=Membership.objects.managing().values("organization_id"))


def _history(sites, decider):
    history = []
    for site in sites:
        history.append(AdoptionSiteChange(site=site, from_status="", to_status=AdoptionSite.Status.SUBMITTED,
                                          use_status=site.use_status, by_id=site.submitted_by_id,
                                          at=site.submitted_at))
        if site.status != AdoptionSite.Status.SUBMITTED:
            history.append(AdoptionSiteChange(
                site=site, from_status=AdoptionSite.Status.SUBMITTED, to_status=site.status,
                use_status=site.use_status, note=site.note, by=decider, by_staff=True,
                at=site.submitted_at + datetime.timedelta(days=3),
            ))
    AdoptionSiteChange.objects.bulk_create(history, batch_size=1000)
