"""Test corpora for the themes tests: three obvious themes, five communities, known participants."""

from __future__ import annotations

import pandas as pd

BOOKING = [
    "I rang the booking line and was on hold for forty minutes before anyone answered the phone.",
    "Booking the transport means phoning the booking line and waiting on hold for ages.",
    "The booking line never answers the phone first thing in the morning, you just hold.",
    "You phone up to book the transport and the line is engaged or you are stuck on hold.",
    "When I finally got through on the booking line the call handler asked the same eligibility questions again.",
    "The phone line for booking is the worst part, forty minutes on hold every single time.",
    "I have to ring the booking line for every appointment and I am always on hold for a long time.",
    "Booking by phone is hard for him because of his hearing and the line keeps cutting off.",
    "They should let us book the transport online instead of phoning the booking line and holding.",
    "Staff on the booking line were polite but the phone queue to book was very long.",
]
DRIVER = [
    "The driver was lovely and kind, he always has a chat with me on the way.",
    "Our regular driver knows my dad well and the crew are so friendly with him.",
    "The crew were kind and gentle helping her down the steps into the ambulance.",
    "Drivers are lovely people, friendly and patient, they make the journey a pleasure.",
    "One driver is very kind, he chats about football and my mum loves seeing him.",
    "The crew treat the patients like family, kind and friendly every single time.",
    "A friendly driver makes such a difference, she was kind and helped me with my bag.",
    "Some of the drivers are so kind and cheerful, the crew always smile and chat.",
    "The driver was patient and kind when I was slow getting to the door with my frame.",
    "I get on really well with the crew, lovely friendly drivers who know my name.",
]
WAITING = [
    "After dialysis I waited three hours in the discharge lounge for transport home.",
    "We waited hours after the clinic finished before the ambulance came to take us home.",
    "Waiting to go home is the worst, four hours sat in the lounge after the appointment.",
    "The wait for the return transport home after the ward discharge was over three hours.",
    "He waited for hours after his appointment and was exhausted by the time he got home.",
    "She sat waiting in the discharge lounge for hours because the transport home was late.",
    "The return journey home means waiting hours after treatment, it ruins the whole day.",
    "Patients wait hours in the lounge for transport home and nobody tells them when it is coming.",
    "I was left waiting three hours for my transport home after the clinic closed.",
    "Waiting for hours to be collected after the appointment leaves patients tired and hungry.",
]
COMMUNITIES = ["patients", "carers", "drivers", "nhs-staff", "provider-staff"]
TRUTH = {"booking": BOOKING, "driver": DRIVER, "waiting": WAITING}
TOUCHPOINT = {"booking": "Making the booking", "driver": "Relationship with crew (driver)",
              "waiting": "Pick up from appointment"}
VALENCE = {"booking": "to-improve", "driver": "working-well", "waiting": "to-improve"}


def make_corpus() -> pd.DataFrame:
    rows = []
    for topic, sentences in TRUTH.items():
        for j, text in enumerate(sentences):
            community = COMMUNITIES[j % len(COMMUNITIES)]
            rows.append({
                "segment_id": f"{topic[:2]}{j:02d}",
                "text": text,
                "community": community,
                "participant_id": f"{community}-{j % 3}",
                "touchpoints": [TOUCHPOINT[topic]] if j % 2 == 0 else [],
                "valence": VALENCE[topic] if j % 4 else None,
                "truth": topic,
            })
    return pd.DataFrame(rows)


POOLS = {
    "booking": ["booking line", "phone", "on hold", "call", "rang", "engaged", "queue", "eligibility questions",
                "operator", "book the transport", "forty minutes", "nobody answers"],
    "driver": ["driver", "crew", "kind", "friendly", "chat", "lovely", "helped", "gentle", "smile", "door",
               "patient", "cheerful"],
    "waiting": ["waited", "hours", "lounge", "discharge", "home", "late", "collected", "exhausted", "clinic",
                "return", "ambulance", "evening"],
}
SHARED = ["really", "always", "my mum", "every time", "last week", "at the hospital", "to be honest", "again"]


def make_large_corpus(per_topic: int = 80, seed: int = 0) -> pd.DataFrame:
    """Distinct generated segments (5 topic phrases + 2 shared phrases each) on the three themes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = []
    for topic, pool in POOLS.items():
        for j in range(per_topic):
            words = list(rng.choice(pool, 5, replace=False)) + list(rng.choice(SHARED, 2, replace=False))
            rng.shuffle(words)
            community = COMMUNITIES[j % len(COMMUNITIES)]
            rows.append({"segment_id": f"{topic}-{j:03d}", "text": " ".join(words).capitalize() + ".",
                         "community": community, "participant_id": f"{community}-{j % 7}", "truth": topic})
    return pd.DataFrame(rows)
