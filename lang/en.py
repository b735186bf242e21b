"""English word lists that verification reads, each with the claim-set family that justifies it.

Kept apart from the algorithms (rag/relations.py) so a newcomer sees what a rule buys
and where to add a word. The families are those of evals/claims/: run
``python -m evals.bench.claims`` after changing a list, and read the dev half.
"""

from __future__ import annotations

# negation: words that deny what follows them ("did not rise").
NEGATORS = frozenset("not no never neither nor cannot".split())

# event-mismatch, negation: opposite relations. A claim using one while the sentence
# carrying it uses only the other, said of the same thing, says the opposite.
OPPOSITES = [
    (
        "rise rose risen rises raise raised raises boost boosted increase increased higher gain gained gains",
        "fall fell fallen falls cut cuts lower lowered decrease decreased reduce reduced drop dropped",
    ),
    ("won win wins winning", "lost lose loses losing"),
    ("admit admitted admits confirm confirmed", "deny denied denies"),
    ("accept accepted accepts approve approved agree agreed", "reject rejected rejects refuse refused"),
    ("buy bought buys buying acquire acquired", "sell sold sells selling"),
    ("above exceed exceeded", "below"),
    ("profit profits", "loss losses"),
    ("hire hired", "fire fired sack sacked"),
    ("suspend suspended suspends", "fire fired sack sacked dismiss dismissed"),
    ("upgrade upgraded upgrades", "downgrade downgraded downgrades"),
    ("praise praised praises", "criticise criticised criticises criticize criticized condemn condemned attacked"),
    # A nomination is not the award, a bid not the purchase.
    ("won win wins winning", "nominated nomination nominations shortlisted"),
    ("buy bought buys acquire acquired", "bid bids proposal proposed offer offered"),
]

# event-mismatch: words that make what follows a possibility, a plan or a report, not
# an event ("could unveil plans to demerge its film unit"): a claim stating it as done
# ("has demerged") is not stated by it. A modal or such an adverb hedges the first
# content word after it, as NEGATORS deny it; a plan, hope or expectation hedges only
# the verb it governs ("plans to demerge", "considering selling"), so that "better-than-
# expected profits" and "the talks broke down" hedge nothing.
MODAL_HEDGES = frozenset("could might may would possibly reportedly allegedly".split())
HEDGES_TO = frozenset(
    """plan plans planned planning propose proposes proposed proposal considering consider considers
    mulling weighing expected expects likely unlikely intend intends intended aims aiming hopes hoping
    seeking seeks talks bid""".split()
)
HEDGES = MODAL_HEDGES | HEDGES_TO
HEDGED_SPAN = 4  # how far after a hedge to look for the word it hedges

# negation: what a source leaves open ("He declined to say if the ceiling should be
# raised") is not stated by it ("He said the ceiling should be raised").
LEFT_OPEN = (
    r"\b(?:declin\w*|refus\w*|would\s+not|wouldn't|did\s+not|didn't|could\s+not|couldn't|cannot|can't)"
    r"\s+(?:to\s+)?(?:say|comment|confirm|disclose|specify|reveal|predict)\w*(?:\s+on)?\s+(?:if|whether)\b"
    r"|\b(?:unclear|not\s+clear|not\s+known|unknown|undecided|uncertain|not\s+decided|no\s+decision)"
    r"(?:\s+yet)?\s+(?:if|whether)\b"
)

# number-swap: units say what a number counts, not what it is said of; "2.91 billion
# dlrs" is bound by "deficit", not by "billion".
UNITS = frozenset(
    """billion billions million millions mln bn trillion thousand pct percent per cent dlrs dlr dollars dollar
    cents cts pounds pound euros euro yen marks francs tonnes tons barrels bpd""".split()
)

# off-subject, tautology: words a question lends its answer without the article having
# to use them: light verbs ("Who attended the talks?" -> "Rubio was at the talks") and
# the words that ask ("how many", "what date", "the name of").
QUESTION_LIGHT = frozenset(
    """many much long old far often attend attended attends take took taken make made happen happened go went
    come came get got give gave do did done say said tell told become became hold held play played date day
    name named number time kind type sort last first next latest location venue""".split()
)

# Words ending in -ly that are not adverbs of manner or time.
_NOT_ADVERBS = frozenset(
    "supply family rally ally assembly monopoly anomaly reply apply italy july bully jelly belly holy ugly".split()
)


def is_adverb(word: str) -> bool:
    """ "newly", "formally", "provisionally": how or when, not what the question asks about."""
    return len(word) >= 5 and word.endswith("ly") and word not in _NOT_ADVERBS


# entity-swap (recall side): a people's name stands for its country ("Americans" where the
# source or the question says "the US"). Each demonym with the words that name its country.
DEMONYMS = {
    "american": ("us", "usa", "america", "american"),
    "british": ("uk", "britain", "british"),
    "briton": ("uk", "britain", "british"),
    "english": ("england", "english"),
    "scottish": ("scotland", "scottish"),
    "scot": ("scotland", "scottish"),
    "welsh": ("wales", "welsh"),
    "irish": ("ireland", "irish"),
    "french": ("france", "french"),
    "german": ("germany", "german"),
    "italian": ("italy", "italian"),
    "spanish": ("spain", "spanish"),
    "spaniard": ("spain", "spanish"),
    "dutch": ("netherlands", "holland", "dutch"),
    "russian": ("russia", "russian"),
    "ukrainian": ("ukraine", "ukrainian"),
    "chinese": ("china", "chinese"),
    "japanese": ("japan", "japanese"),
    "indian": ("india", "indian"),
    "australian": ("australia", "australian"),
    "canadian": ("canada", "canadian"),
    "brazilian": ("brazil", "brazilian"),
    "mexican": ("mexico", "mexican"),
    "iraqi": ("iraq", "iraqi"),
    "iranian": ("iran", "iranian"),
    "israeli": ("israel", "israeli"),
    "european": ("europe", "eu", "european"),
}


def country_words(name: str) -> tuple[str, ...]:
    """The words naming the country of a folded demonym ("americans" -> "us", "america", ...), or ()."""
    return DEMONYMS.get(name) or (DEMONYMS.get(name[:-1], ()) if name.endswith("s") else ())


# number-swap, unsupported-detail: words that make a figure a forecast ("likely to soar to 72
# billion dlrs by the year end"); a claim stating the figure as a fact is not stated by it.
FORECAST = frozenset(
    """likely unlikely expected expects expect forecast forecasts forecasting projected projects predicted
    predicts predict could might may would estimated estimates anticipated anticipates target targets
    hopes hoped aims seen""".split()
)
