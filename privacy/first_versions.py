# ruff: noqa: E501  (Markdown paragraphs: one line each, as the admin's text box keeps them)
"""The text of each document's first published version, written for the portal as it is built.

Version 1 is what the first people to sign up agreed to, so this text never changes once a database has it:
later versions are written (and published) by staff in the admin. Read by the data migration that creates
version 1 (privacy/migrations/0002_first_versions.py) and by nothing else.

`[[third-parties]]`, `[[processors]]` and `[[officer]]` on a line of their own are filled in from the
settings when the page is shown (privacy.views), so the policy names the recipients and the officer that are
configured where it runs.
"""

PRIVACY_KO = """\
AI 자율제조 얼라이언스 포털(이하 "포털")은 「개인정보 보호법」에 따라 이용자의 개인정보를 보호하고, 이와 관련한 고충을 신속하게 처리하기 위해 다음과 같이 개인정보 처리방침을 둡니다.

## 1. 처리 목적

포털은 다음 목적으로만 개인정보를 처리하며, 목적이 바뀌면 미리 알리고 필요한 경우 다시 동의를 받습니다.

- 회원 가입과 본인 확인, 로그인, 계정 보호
- 회원사 가입 신청의 심사, 회원 자격 관리, 회원사와의 연락
- 선도 프로젝트 공모의 접수, 참여 확약, 평가와 결과 통보
- 얼라이언스 소식과 행사 안내(선택 동의한 분에게만)
- 부정 이용 방지, 개인정보 열람 기록 관리 등 안전한 운영

## 2. 처리하는 개인정보와 보유 기간

| 구분 | 항목 | 보유 기간 |
|---|---|---|
| 회원 계정(필수) | 이메일 주소, 비밀번호(복원할 수 없는 해시로만 저장), 가입·최근 로그인 일시 | 회원 탈퇴 시까지 |
| 동의 기록(자동 생성) | 동의한 문서와 버전, 동의·철회 일시, 접속 IP 주소 | 회원 탈퇴 시까지 |
| 2단계 인증(설정한 분) | 인증 앱 비밀키, 복구 코드 | 해제하거나 탈퇴할 때까지 |
| 회원사 정보(회원사 등록 시) | 대표자 성명, 담당자 성명과 전화번호, 사업장 주소, 사업자등록번호(개인사업자는 개인정보에 해당), 소속 회원사와 역할, 초대받은 분의 이메일 주소 | 회원사가 탈퇴할 때까지(심사·변경 이력은 기록으로 보존) |
| 제출 문서(해당하는 분) | 중소·중견기업 확인서, 제안서와 부속 서류 | 해당 회원 자격이나 제안이 유지되는 동안 |
| 선도 프로젝트 제안(제안 시) | 참여기관 담당자의 성명, 이메일 주소, 전화번호 | 공모가 끝난 뒤 5년(사업 관리와 감사 대응) |
| 발송 메일 | 받는 주소, 제목, 본문 | 본문은 발송 즉시 삭제, 나머지는 발송 후 30일(실패한 메일은 90일) |
| 개인정보 열람 기록 | 열람·내려받기한 담당자, 일시, 대상, 접속 IP 주소 | 2년 |
| 쿠키 | 로그인 세션, 위조 방지 토큰, 언어 선택 | 세션은 로그아웃할 때까지(최대 2주), 언어 선택은 브라우저를 닫을 때까지 |

백업본에는 위 정보가 최대 12개월 동안 남을 수 있으며, 백업본은 복구 목적 외에는 쓰지 않습니다.

## 3. 제3자 제공

[[third-parties]]

## 4. 처리 위탁

[[processors]]

## 5. 파기

보유 기간이 지나거나 처리 목적을 이룬 개인정보는 지체 없이 파기합니다. 데이터베이스의 정보는 복원할 수 없도록 삭제하고, 저장된 파일은 저장소에서 지웁니다. 다른 법령에 따라 보존해야 하는 정보는 그 목적으로만 따로 보관합니다.

## 6. 정보주체의 권리

이용자는 언제든지 자신의 개인정보의 열람, 정정·삭제, 처리 정지, 동의 철회를 요구할 수 있습니다. 선택 동의는 로그인한 뒤 계정 설정의 "동의 관리"에서 직접 바꿀 수 있고, 회원사 정보는 "내 회원사"에서 고칠 수 있습니다. 그 밖의 요구는 아래 개인정보 보호책임자에게 연락하면 10일 안에 처리 결과를 알려 드립니다. 만 14세 미만 아동은 회원으로 가입할 수 없습니다.

## 7. 안전성 확보 조치

- 비밀번호는 복원할 수 없는 방식으로만 저장하고, 모든 접속은 암호화(HTTPS)합니다.
- 관리자 화면은 2단계 인증을 마친 담당 직원만 쓸 수 있고, 권한은 업무별로 나눕니다.
- 제출 문서의 내려받기와 관리자 화면의 개인정보 열람은 누가, 언제, 무엇을, 어디서 보았는지 기록하고 2년간 보관합니다.
- 제출 문서는 공개 주소가 없는 저장소에 두고, 권한을 확인한 뒤에만 내보냅니다.

## 8. 쿠키

포털은 로그인 유지, 양식 위조 방지, 언어 선택에 필요한 쿠키만 쓰며, 광고나 방문 추적을 위한 쿠키와 외부 분석 도구는 쓰지 않습니다. 브라우저 설정에서 쿠키를 거부할 수 있지만, 그러면 로그인할 수 없습니다.

## 9. 개인정보 보호책임자

[[officer]]

## 10. 권익 침해 구제

개인정보 침해에 대한 상담이나 신고는 다음 기관에도 할 수 있습니다.

- 개인정보침해신고센터: 국번 없이 118 (privacy.kisa.or.kr)
- 개인정보분쟁조정위원회: 1833-6972 (www.kopico.go.kr)
- 대검찰청: 국번 없이 1301
- 경찰청: 국번 없이 182

## 11. 방침의 변경

이 방침을 바꿀 때에는 시행 7일 전(이용자의 권리에 중요한 변경은 30일 전)부터 포털에 알립니다. 이전 방침은 이 페이지 아래의 "이전 버전"에서 볼 수 있습니다.
"""

PRIVACY_EN = """\
The AI Autonomous Manufacturing Alliance portal ("the portal") protects the personal information of its users under Korea's Personal Information Protection Act and keeps this policy so that questions and complaints are handled quickly.

## 1. Why the portal processes personal information

Only for these purposes; if a purpose changes, users are told first and asked again where needed.

- signing up, confirming who you are, signing in and protecting the account
- reviewing membership applications, managing membership, keeping in touch with member organisations
- receiving lead-project proposals, partners' confirmations, reviews and decisions
- mail about alliance news and events (only to those who chose it)
- running the portal safely: preventing misuse and recording who reads personal information

## 2. What is kept, and for how long

| What | Items | Kept |
|---|---|---|
| Account (required) | email address, password (stored only as a one-way hash), when you signed up and last signed in | until the account is closed |
| Consent records (automatic) | the document and version agreed to, when consent was given or withdrawn, the IP address | until the account is closed |
| Two-factor authentication (if set up) | the authenticator secret, recovery codes | until removed or the account is closed |
| Member organisation (if registered) | the representative's name, the contact person's name and phone, the business address, the business registration number (personal information for a sole proprietor), who belongs to the organisation with which role, invited people's email addresses | until the organisation leaves (the review and change history is kept as a record) |
| Documents (where they apply) | SME or mid-sized enterprise certificates, proposal documents and annexes | while the membership or the proposal they belong to lasts |
| Lead-project proposals (when proposing) | each participant's contact person: name, email address, phone | five years after the call ends (project management and audits) |
| Mails sent | recipient address, subject, text | the text is deleted once sent, the rest 30 days after sending (90 days if delivery failed) |
| Records of access to personal information | the staff member who read or downloaded, when, what, from which IP address | two years |
| Cookies | sign-in session, form protection token, language choice | the session until you sign out (two weeks at most), the language until you close the browser |

Backups may hold this information for up to 12 months; they are used only to restore the portal.

## 3. Information given to third parties

[[third-parties]]

## 4. Processing entrusted to others

[[processors]]

## 5. Destruction

Information whose period has passed or whose purpose has been met is destroyed without delay: rows are deleted from the database so that they cannot be restored, and stored files are removed from storage. Information another law requires to be kept is kept apart, for that purpose only.

## 6. Your rights

You may at any time ask to see, correct or delete your personal information, to stop its processing, or withdraw a consent. You change your optional consents yourself under "Consents" in your account settings, and your organisation's details under "My organisation". For anything else, write to the privacy officer below: you will have an answer within 10 days. Children under 14 cannot sign up.

## 7. How the information is protected

- Passwords are stored only one-way, and every connection is encrypted (HTTPS).
- The administration is open only to staff who have passed two-factor authentication, with rights divided by task.
- Every download of a submitted document and every view of a person's details in the administration is recorded (who, when, what, from where) and the record kept for two years.
- Submitted documents are stored without any public address and sent only after the permission check.

## 8. Cookies

The portal uses only the cookies it needs to keep you signed in, to protect forms and to remember your language: no advertising or tracking cookies and no outside analytics. You can refuse cookies in your browser, but you then cannot sign in.

## 9. Privacy officer

[[officer]]

## 10. Remedies

You may also turn to these bodies about an infringement of your personal information:

- Personal Information Infringement Report Center: 118 (privacy.kisa.or.kr)
- Personal Information Dispute Mediation Committee: 1833-6972 (www.kopico.go.kr)
- Supreme Prosecutors' Office: 1301
- Korean National Police Agency: 182

## 11. Changes to this policy

Changes are announced on the portal 7 days before they take effect (30 days before for changes that matter to your rights). Earlier versions are listed under "Earlier versions" below.
"""

TERMS_KO = """\
## 제1조 (목적)

이 약관은 산업통상자원부가 운영하는 AI 자율제조 얼라이언스 포털(이하 "포털")의 이용 조건과 절차, 이용자와 운영기관의 권리와 의무를 정합니다.

## 제2조 (정의)

1. "이용자"는 포털에 접속해 이 약관에 따라 포털을 이용하는 사람입니다.
2. "회원"은 이 약관에 동의하고 계정을 만든 사람입니다.
3. "회원사"는 얼라이언스에 가입을 신청하거나 가입이 승인된 기업·기관이며, 회원은 회원사에 소속될 수 있습니다.

## 제3조 (약관의 효력과 변경)

1. 이 약관은 포털에 게시하고 회원이 가입할 때 동의함으로써 효력이 생깁니다.
2. 운영기관은 관련 법령을 어기지 않는 범위에서 약관을 바꿀 수 있으며, 시행 7일 전(회원에게 불리한 변경은 30일 전)부터 포털에 알립니다.
3. 다시 동의가 필요한 변경이면 회원이 다음에 로그인할 때 동의를 묻습니다. 동의하지 않는 회원은 이용을 멈추고 계정 해지를 요청할 수 있습니다.

## 제4조 (회원 가입과 계정)

1. 회원 가입은 본인의 이메일 주소로 하며, 이메일 확인을 마쳐야 로그인할 수 있습니다.
2. 계정은 본인만 쓰며, 비밀번호와 2단계 인증 수단을 다른 사람에게 알려서는 안 됩니다. 같은 회원사의 동료는 초대로 함께합니다.
3. 만 14세 미만은 가입할 수 없습니다.

## 제5조 (회원의 의무)

1. 회원은 회원사와 제안에 관해 사실대로 입력하고, 바뀐 내용은 바로 고쳐야 합니다.
2. 회원은 권리가 있는 자료만 올려야 하며, 다른 사람의 개인정보를 올릴 때에는 그 사람에게 알리고 필요한 동의를 받아야 합니다.
3. 회원은 포털의 운영을 방해하거나 다른 회원사의 정보에 접근하려 해서는 안 됩니다.

## 제6조 (심사와 자료 제출)

1. 운영기관은 회원사 가입 신청과 선도 프로젝트 제안을 심사하며, 보완을 요청하거나 승인하지 않을 수 있습니다. 그 결과와 사유는 회원사에 알립니다.
2. 제출한 문서는 해당 회원사와 업무를 맡은 직원만 열람할 수 있으며, 열람 기록이 남습니다.

## 제7조 (서비스의 제공과 중단)

운영기관은 포털을 연중 제공하도록 노력하되, 점검, 장애, 천재지변 등 불가피한 경우 서비스를 잠시 멈출 수 있으며, 미리 알릴 수 있으면 미리 알립니다.

## 제8조 (공개 정보)

1. 승인된 회원사 중 공개를 선택한 회원사는 회원사 목록에 이름, 유형, 규모, 업종, 지역이 표시됩니다. 공개 여부는 회원사가 정합니다.
2. 포털의 소식, 통계, 선정된 과제 정보는 출처를 밝혀 인용할 수 있습니다.

## 제9조 (계정 해지와 이용 제한)

1. 회원은 언제든지 계정 해지를 요청할 수 있습니다.
2. 운영기관은 회원이 이 약관이나 법령을 어기면 미리 알리고 이용을 제한할 수 있습니다. 다만 긴급한 경우에는 먼저 제한하고 바로 알립니다.

## 제10조 (책임)

운영기관은 고의나 중대한 과실이 없는 한 회원이 입력한 정보의 정확성이나, 회원 사이에 생긴 분쟁에 책임을 지지 않습니다.

## 제11조 (준거법과 관할)

이 약관은 대한민국 법에 따르며, 분쟁은 민사소송법에 따른 관할 법원에서 다툽니다.
"""

TERMS_EN = """\
## Article 1 (Purpose)

These terms set out how the AI Autonomous Manufacturing Alliance portal ("the portal"), run by the Ministry of Trade, Industry and Energy, is used, and the rights and duties of its users and of the operator.

## Article 2 (Definitions)

1. A "user" is anyone who uses the portal under these terms.
2. A "member" is a person who agreed to these terms and has an account.
3. A "member organisation" is a company or institution that applied to join the alliance or whose membership was approved; members may belong to one.

## Article 3 (Effect and changes)

1. These terms take effect by being published on the portal and agreed to at sign-up.
2. The operator may change them within the law, announcing changes on the portal 7 days before they take effect (30 days before a change to members' disadvantage).
3. Where a change needs consent again, members are asked at their next sign-in. A member who does not agree may stop using the portal and ask for the account to be closed.

## Article 4 (Accounts)

1. You sign up with your own email address and can sign in once it is confirmed.
2. An account is for one person: do not share your password or second factor. Colleagues join through an invitation.
3. Children under 14 cannot sign up.

## Article 5 (Members' duties)

1. Enter true details about your organisation and proposals, and correct them when they change.
2. Upload only documents you are entitled to share; before entering other people's personal information, tell them and obtain any consent needed.
3. Do not disrupt the portal or try to reach another organisation's information.

## Article 6 (Reviews and documents)

1. The operator reviews membership applications and lead-project proposals and may ask for changes or decline them, telling the organisation the outcome and the reason.
2. Submitted documents are read only by the organisation and the staff in charge, and every reading is recorded.

## Article 7 (Availability)

The operator aims to keep the portal available all year, and may pause it for maintenance, failures or events beyond its control, announcing it in advance where it can.

## Article 8 (Public information)

1. Approved member organisations that choose to be listed appear in the member directory with their name, kind, size, industry and region. The organisation decides.
2. The portal's news, figures and selected projects may be quoted with their source.

## Article 9 (Closing accounts and restrictions)

1. Members may ask for their account to be closed at any time.
2. The operator may restrict a member who breaks these terms or the law, after notice, or at once in an emergency with notice straight after.

## Article 10 (Liability)

Short of intent or gross negligence, the operator is not liable for the accuracy of what members enter or for disputes between members.

## Article 11 (Law and courts)

These terms follow the law of the Republic of Korea; disputes go to the court competent under the Civil Procedure Act.
"""

COLLECTION_KO = """\
포털은 회원 가입과 회원 업무를 위해 다음과 같이 개인정보를 수집·이용합니다.

| 항목 | 수집·이용 목적 | 보유·이용 기간 |
|---|---|---|
| 이메일 주소, 비밀번호 | 회원 식별과 로그인, 본인 확인, 회원 업무 안내 메일 | 회원 탈퇴 시까지 |
| 가입·로그인 일시, 동의 기록(문서·버전·일시·IP 주소) | 계정 보호, 동의 사실의 증명 | 회원 탈퇴 시까지 |
| 회원사 등록 시: 대표자 성명, 담당자 성명·전화번호, 사업장 주소 | 회원 자격 심사, 회원사와의 연락 | 회원사 탈퇴 시까지 |
| 제안 시: 참여기관 담당자 성명·이메일 주소·전화번호 | 공모 접수, 참여 확약, 평가 결과 통보 | 공모가 끝난 뒤 5년 |

귀하는 개인정보 수집·이용에 동의하지 않을 권리가 있습니다. 다만 이 항목은 회원 가입에 꼭 필요하므로, 동의하지 않으면 회원으로 가입할 수 없습니다. 자세한 내용은 개인정보 처리방침을 보십시오.
"""

COLLECTION_EN = """\
The portal collects and uses the following personal information to give you an account and run the alliance's membership.

| Items | Purpose | Kept |
|---|---|---|
| Email address, password | identifying you and signing you in, confirming your address, mail about your membership | until the account is closed |
| When you signed up and signed in; consent records (document, version, time, IP address) | protecting the account, proving consent | until the account is closed |
| When registering an organisation: the representative's name, the contact person's name and phone, the business address | reviewing membership, contacting the organisation | until the organisation leaves |
| When proposing: each participant's contact person's name, email address and phone | receiving proposals, partners' confirmations, telling the outcome | five years after the call ends |

You have the right to refuse this consent. As these items are needed for an account, you cannot sign up without it. See the privacy policy for details.
"""

MAILING_KO = """\
얼라이언스 소식(새 공모, 행사, 설명회, 성과 발표)을 이메일로 받아 보시겠습니까?

| 항목 | 이용 목적 | 보유·이용 기간 |
|---|---|---|
| 이메일 주소 | 얼라이언스 소식과 행사 안내 메일 발송 | 동의를 철회하거나 탈퇴할 때까지 |

선택 사항이며, 동의하지 않아도 포털의 모든 기능을 쓸 수 있습니다. 동의는 언제든지 계정 설정의 "동의 관리"에서 철회할 수 있습니다. 회원사 심사 결과나 제안 진행 상황처럼 회원 본인의 업무에 관한 안내는 이 동의와 관계없이 보냅니다.
"""

MAILING_EN = """\
Would you like to receive the alliance's news (new calls, events, briefings, results) by email?

| Items | Purpose | Kept |
|---|---|---|
| Email address | sending mail about alliance news and events | until you withdraw or close the account |

This is optional: every part of the portal works without it. You can withdraw at any time under "Consents" in your account settings. Notices about your own membership and proposals are sent regardless of this choice.
"""

FIRST_VERSIONS = {
    "privacy": (PRIVACY_KO, PRIVACY_EN),
    "terms": (TERMS_KO, TERMS_EN),
    "collection": (COLLECTION_KO, COLLECTION_EN),
    "mailing": (MAILING_KO, MAILING_EN),
}
