"""Demo news: the alliance's launch (rewritten from a press report, with attribution) and a few items of our own.

Idempotent: each article is keyed by a fixed feed entry ID (guid) and left alone once created.
Deterministic: fixed dates, except the scheduled item, which is set a week after the day it is first seeded
so that a fresh demo always shows one article waiting for its time.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from news.models import Article, Category, Status
from news.services import article_save
from portal.demo import ensure_mfa, ensure_user

SEOUL = ZoneInfo("Asia/Seoul")
EDITOR_EMAIL = "news@alliance.example"
LAUNCH_SOURCE_URL = "https://newsdao.kr/4983"
# --scale counts organisations at large scales; a few hundred articles are plenty for paging and load tests.
MAX_FILLERS = 200


def _at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


LAUNCH_BODY = """\
제조 현장에 인공지능을 본격적으로 들이기 위한 민관 협의체, **AI 자율제조 얼라이언스**가 공식 출범했습니다.
출범식은 서울 중구의 대한상공회의소에서 열렸고, 산업통상자원부 장관을 비롯해 기업·대학·연구기관에서 온
약 250명이 자리를 함께했습니다.

## 누가 참여하나

얼라이언스에는 12개 업종의 기업과 기관 153곳이 이름을 올렸습니다. 참여 기업의 매출을 모두 더하면 우리나라
제조업 전체 매출의 40%에 가까운 규모입니다. 기업 규모로 나누어 보면 대기업 21%, 중견기업 23%, 중소기업 56%로,
대기업이 공급망 안의 중견·중소기업과 함께 움직이는 짜임새를 갖췄습니다.

## 선도 프로젝트와 지원 규모

- 올해 10개가 넘는 선도 프로젝트로 첫발을 떼고, 2028년까지 200개로 늘려 갑니다.
- 프로젝트 하나에 최대 100억 원이 지원됩니다.
- 정부와 민간이 함께 2조 5,000억 원 이상을 투자합니다.
- 한국무역보험공사는 앞으로 5년 동안 10조 원 규모의 무역금융을 공급합니다.
- 산업통상자원부는 3,000억 원 규모의 대형 연구개발(R&D) 사업을 준비하고 있습니다.

## 얼라이언스가 내건 목표

| 지표 | 지금 | 목표 |
|---|---|---|
| AI를 쓰는 제조기업 비율 | 5% | 40% |
| 제조 생산성 | — | 20% 향상 |
| 표준모델을 적용한 사업장 | — | 2028년까지 100곳 이상 |

선도 프로젝트에서 쌓은 기술과 데이터는 표준모델로 정리되어 다른 사업장으로 옮겨 심어집니다. 불량을 스스로 찾아내고
설비 고장을 미리 알아채는 일처럼 현장에서 효과가 바로 보이는 분야부터 AI 활용을 넓히고, 일할 사람이 줄어드는
제조업의 구조적인 어려움에도 함께 대응한다는 계획입니다.

*이 글은 뉴스다오의 보도를 바탕으로 포털 편집팀이 새로 정리했습니다.*
"""

ARTICLES = [
    {
        "guid": "urn:alliance-portal:demo:launch",
        "title": "AI 자율제조 얼라이언스 출범, 153개 기업·기관이 함께합니다",
        "category": Category.PRESS_RELEASE,
        "summary": "서울 대한상공회의소에서 출범식을 연 AI 자율제조 얼라이언스가 2028년까지 선도 프로젝트 200개를 "
                   "추진하고 제조업 AI 도입률을 40%까지 끌어올리겠다는 목표를 밝혔습니다.",
        "body": LAUNCH_BODY,
        "source_name": "뉴스다오",
        "source_url": LAUNCH_SOURCE_URL,
        "published_at": _at(2024, 3, 20),
    },
    {
        "guid": "urn:alliance-portal:demo:call-2024",
        "title": "AI 자율제조 선도 프로젝트 제안 공모 안내",
        "category": Category.NOTICE,
        "summary": "얼라이언스 회원사가 꾸린 컨소시엄을 대상으로 선도 프로젝트 제안을 받습니다. "
                   "과제당 최대 100억 원이 지원됩니다.",
        "body": """\
얼라이언스 회원사를 대상으로 **AI 자율제조 선도 프로젝트** 제안을 받습니다.

## 누가 제안할 수 있나요

- AI를 도입할 공장을 가진 수요기업과 기술을 공급할 기업이 함께 꾸린 컨소시엄
- 컨소시엄의 대표 기업은 포털에 회원사로 등록되어 있어야 합니다.

## 지원 내용

과제 하나에 최대 100억 원까지 지원합니다. 중견·중소기업이 참여하는 컨소시엄을 우대합니다.

## 제출 방법

포털의 **선도 프로젝트** 메뉴에서 제안서를 작성해 제출합니다. 제출 전에는 언제든 고칠 수 있고, 제출한 뒤에는
심사 진행 상황을 같은 화면에서 확인할 수 있습니다.

*(데모용 공지입니다.)*
""",
        "published_at": _at(2024, 4, 15, 10),
    },
    {
        "guid": "urn:alliance-portal:demo:workshop",
        "title": "업종별 분과 워크숍: 현장 데이터, 어떻게 모으고 나눌까",
        "category": Category.EVENT,
        "summary": "회원사 실무자가 모여 공정 데이터 수집과 공유 방식을 논의하는 업종별 분과 워크숍을 엽니다.",
        "body": """\
회원사의 생산·품질·설비 담당자가 모여 **현장 데이터를 모으고 나누는 방법**을 함께 이야기합니다.

1. 업종별 데이터 수집 사례 발표
2. 표준모델을 위한 데이터 형식 논의
3. 분과별 토론과 질의응답

참가 신청은 회원사 담당자 계정으로 받습니다. *(데모용 행사 안내입니다.)*
""",
        "published_at": _at(2024, 5, 20, 14),
    },
    {
        "guid": "urn:alliance-portal:demo:project-kickoff",
        "title": "선도 프로젝트 첫 과제들, 공장 실증에 들어갑니다",
        "category": Category.PROJECT_NEWS,
        "summary": "선정된 첫 선도 프로젝트들이 설비 고장 예측과 불량 자동 검출을 중심으로 공장 실증을 시작했습니다.",
        "body": """\
올해 선정된 선도 프로젝트들이 공장 실증 단계에 들어갔습니다. 첫 과제들은 주로 다음 두 가지를 다룹니다.

- **설비 고장 예측**: 진동과 전류 데이터를 바탕으로 멈춤 사고를 미리 알립니다.
- **불량 자동 검출**: 카메라 영상으로 제품 결함을 찾아 사람의 검사 부담을 줄입니다.

각 과제의 결과는 표준모델로 정리되어 다른 회원사 사업장에도 적용될 예정입니다. *(데모용 소식입니다.)*
""",
        "published_at": _at(2024, 7, 1),
    },
    {
        "guid": "urn:alliance-portal:demo:showcase",
        "title": "선도 프로젝트 성과 공유회 사전 안내",
        "category": Category.EVENT,
        "summary": "선도 프로젝트 참여 기업이 실증 결과와 배운 점을 나누는 성과 공유회를 엽니다.",
        "body": """\
선도 프로젝트에 참여한 기업들이 **실증 결과와 시행착오**를 직접 소개합니다. 표준모델 도입을 검토하는 회원사라면
꼭 참석해 보시기 바랍니다. *(데모용 예약 게시물입니다: 게시 시각이 되면 저절로 공개됩니다.)*
""",
        "scheduled_in_days": 7,
    },
    {
        "guid": "urn:alliance-portal:demo:draft-schedule",
        "title": "(초안) 다음 공모 일정 미리 알림",
        "category": Category.NOTICE,
        "summary": "다음 선도 프로젝트 공모의 대략적인 일정을 미리 알려 드립니다.",
        "body": "편집 중인 초안입니다. 관리 화면의 **미리보기**로 게시 전 모습을 확인할 수 있습니다.\n",
        "draft": True,
    },
]


def seed(*, rng, scale, stdout):
    editor = ensure_user(EDITOR_EMAIL, is_staff=True, groups=["News editors"], first_name="소식", last_name="편집")
    secret, codes = ensure_mfa(editor)
    created = 0
    for spec in ARTICLES:
        created += _ensure_article(spec, editor)
    # Larger scales add plain filler articles, for paging and load tests.
    anchor = _at(2024, 8, 1)
    categories = list(Category.values)
    for n in range(1, min((scale - 1) * 20, MAX_FILLERS) + 1):
        created += _ensure_article({
            "guid": f"urn:alliance-portal:demo:filler-{n}",
            "title": f"얼라이언스 소식 {n}",
            "category": categories[rng.randrange(len(categories))],
            "summary": f"데모용 소식 {n}번입니다.",
            "body": f"데모용 본문 {n}번입니다.\n",
            "published_at": anchor + datetime.timedelta(days=n, minutes=rng.randrange(600)),
        }, editor)
    stdout.write(
        f"\nNews: {created} demo articles created. News editor (admin, MFA): {EDITOR_EMAIL} / password as above, "
        f"TOTP secret {secret}\n"
    )


def _ensure_article(spec, editor):
    if Article.objects.filter(guid=spec["guid"]).exists():
        return 0
    if spec.get("draft"):
        status, published_at = Status.DRAFT, None
    elif "scheduled_in_days" in spec:
        day = timezone.localdate() + datetime.timedelta(days=spec["scheduled_in_days"])
        status, published_at = Status.PUBLISHED, _at(day.year, day.month, day.day)
    else:
        status, published_at = Status.PUBLISHED, spec["published_at"]
    article = Article(
        guid=spec["guid"], title=spec["title"], category=spec["category"], summary=spec["summary"],
        body=spec["body"], source_name=spec.get("source_name", ""), source_url=spec.get("source_url", ""),
        status=status, published_at=published_at,
    )
    article_save(article=article, by=editor)
    return 1
