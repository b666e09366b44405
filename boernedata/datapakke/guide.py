"""The texts a package writes for its own numbers: the reflection guide of the learning conversation, and
for a small institution whose figures about persons are all withheld, what it can use instead.

Both read the items content.py built (withheld cells already without figures) and nothing else.
"""

from __future__ import annotations

from boernedata.datapakke import periods, withheld

REFLECTION = {
    "dagtilbud": [
        "Hvad fortæller normering, fremmøde og timer pr. dag om børnenes hverdag hos jer?",
        "Hvordan passer observationerne af læringsmiljøet med det, I selv oplever på stuerne?",
        "Hvilke børn ser vi ikke i tallene – fx grupper, der er skjult, fordi de er færre end 5?",
    ],
    "skole": [
        "Hvad ligger bag fraværet – sygdom, lovligt eller ulovligt fravær – og på hvilke årgange?",
        "Hvordan hænger trivsel og ro og orden sammen med elevernes faglige resultater?",
        "Hvad kan I lære af {group} i området, der lykkes med det, I gerne vil forbedre?",
    ],
    "fritid": [
        "Hvornår og hvorfor kommer børnene – og hvornår bliver de væk?",
        "Hvad siger forældrekontakten via Aula om samarbejdet med forældrene?",
        "Hvordan bruger I normeringen på de tidspunkter, hvor flest børn er her?",
    ],
}


def reflection(items: list[dict], sector: str, group, position: int, loop: list[str]) -> dict:
    """The learning circle, written for this package: which numbers to start from, questions, decisions."""
    worse = sorted(
        (i for i in items if i["comparison"].verdict == "worse"), key=lambda i: i["comparison"].score
    )
    better = sorted(
        (i for i in items if i["comparison"].verdict == "better"), key=lambda i: -i["comparison"].score
    )
    moved = [i for i in items if i["change"].verdict in ("better", "worse")]
    moved.sort(key=lambda i: -abs(i["change"].score))
    few = [i["name"] for i in items if i["reason"] == withheld.N_LT_5]
    protecting = [i["name"] for i in items if i["reason"] == withheld.COMPLEMENTARY]
    other = [i["name"] for i in items if i["reason"] == withheld.UNKNOWN]
    first = periods.label("half_year", loop[0])
    if position == 1:
        decision = [
            "Vælg 1-3 lokale fokusområder for de næste to år – gerne hvor tallene og jeres egen "
            "oplevelse peger samme vej.",
            "Skriv for hvert fokusområde, hvilke indikatorer I vil følge, og hvad I forventer at se "
            "ved næste datapakke.",
            "Aftal, hvem der gør hvad, og hvornår I ser på det igen.",
        ]
    elif position == periods.LOOP_LENGTH:
        decision = [
            f"Saml op på de fokusområder, I valgte i {first}: hvad er lykkedes, og hvad har I lært?",
            "Beslut, hvad der skal fortsætte som en del af hverdagen.",
            "Forbered valget af nye fokusområder til den næste læringsløkke.",
        ]
    else:
        decision = [
            f"Fortsæt, justér eller afslut hvert af de fokusområder, I valgte i {first}.",
            "Er der tal, der har flyttet sig uventet? Aftal, hvordan I undersøger det.",
            "Aftal, hvem der gør hvad, og hvornår I ser på det igen.",
        ]
    withheld_notes = []
    if few:
        withheld_notes.append(
            f"{len(few)} tal er skjult, fordi de bygger på færre end 5 personer: {', '.join(few)}."
        )
    if protecting:
        withheld_notes.append(
            f"{len(protecting)} tal er skjult, selv om de bygger på mindst 5, fordi et andet skjult tal "
            f"ellers kunne regnes ud ved at trække fra: {', '.join(protecting)}."
        )
    if other:
        withheld_notes.append(f"{len(other)} tal er skjult i de publicerede data: {', '.join(other)}.")
    return {
        "against": group.against,
        "worse": [(i["name"], i["value_text"], i["district_text"], i["period_label"]) for i in worse[:3]],
        "better": [(i["name"], i["value_text"], i["district_text"], i["period_label"]) for i in better[:3]],
        "moved": [
            (
                i["name"],
                i["previous_text"],
                i["value_text"],
                "forbedret" if i["change"].verdict == "better" else "forværret",
            )
            for i in moved[:3]
        ],
        "withheld": withheld_notes,
        "questions": [q.format(group=group.plural) for q in REFLECTION.get(sector, [])],
        "decision": decision,
    }


def few_figures(items: list[dict], inst: dict, group, observations: int, period_label: str) -> dict | None:
    """For an institution none of whose figures about persons can be shown (all withheld): why, and what
    it can still use. None when the package has at least one published figure about persons."""
    withheld_items = [i for i in items if i["status"] == "withheld"]
    if not withheld_items or any(i["about_persons"] for i in items):
        return None
    reasons = {i["reason"] for i in withheld_items}
    why = []
    if withheld.N_LT_5 in reasons:
        whos = sorted({i["who"] for i in withheld_items if i["reason"] == withheld.N_LT_5})
        why.append(
            f"{inst['name']} er en lille institution: jeres tal om {' og '.join(whos)} bygger på færre end "
            "5 personer. De vises ikke, fordi man med så få ville kunne genkende den enkelte."
        )
    some = "Nogle af jeres tal er" if len(reasons) > 1 else "Jeres tal er"
    if withheld.COMPLEMENTARY in reasons:
        why.append(
            f"{some} skjult, selv om de bygger på mindst 5 personer, fordi et andet skjult tal ellers kunne "
            "regnes ud ved at trække fra – fx jeres tal fra områdets samlede tal."
        )
    if withheld.UNKNOWN in reasons:
        why.append(f"{some} skjult i de publicerede data og vises derfor heller ikke her.")
    own = [i for i in items if i["status"] == "value"]
    benchmarks = [
        (i["name"], i["period_label"], i["district_text"], i["municipality_text"])
        for i in items
        if i["district"].value is not None or i["municipality"].value is not None
    ]
    uses = []
    if observations:
        uses.append(
            f"Jeres observationer af læringsmiljøet: {observations} i {period_label}, med score og noter "
            "(afsnittet Observationer af læringsmiljøet)."
        )
    if own:
        uses.append(
            "Tal om institutionen som helhed, som ikke handler om enkelte personer: "
            + ", ".join(f"{i['name']} ({i['value_text']})" for i in own)
            + "."
        )
    if benchmarks:
        uses.append(
            f"Tallene for {group.plural} i området og i kommunen: de viser niveau og udvikling for tilbud "
            "som jeres (tabellen herunder og ved hver indikator)."
        )
    else:
        uses.append(
            f"Tallene for {group.plural} i området og i kommunen står ved hver indikator; i denne periode "
            "er de også skjult eller bygger på for få institutioner."
        )
    uses.append("Dataårshjulet: hvornår der kommer nye data, så I ved, hvornår der er tal at se efter.")
    uses.append(
        "Jeres egen viden: hvad ved personale, forældre og bestyrelse om hverdagen, som tallene ikke viser?"
    )
    return {"why": why, "uses": uses, "benchmarks": benchmarks, "group": group}
