"""Command type and intent of a typed message: the trained classifier first, rule cues beside it.

The trained model (``nlp.intent_model``) scores every intent from the message's abstracted view;
each intent also owns a few weighted regular expressions (verbs, nouns, question shapes, never
copied from particular messages) and entity evidence. The model's probability, scaled by
``MODEL_WEIGHT``, is added to the cue scores: where the two agree the reading is confident, where
they disagree the confidence drops so the bot offers both readings instead of acting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.enums import CommandType
from nlp.models import COMMAND_TYPE_OF_INTENT
from nlp.pipeline import Mention

_POLITE = r"^(?:(?:please|pls|plz|ok|okay|now|hey|bot|can\s+you|could\s+you|i\s+want\s+to|i'd\s+like\s+to|i\s+wanna|let's|lets|go\s+ahead\s+and)[\s,]+)*"
_SIDE_VERB = (
    r"(?:market\s+|limit\s+)?(?:buy|sell|long|short|buyy|selll?|longg|shortt|shrot|go\s+(?:long|short)|ape|pick\s+up|grab|dump|unload|offload|scoop|"
    r"load\s+up|bid|purchase|stop[\s-]limit|trailing[\s-]stop|stop\s+(?:buy|sell)|open\s+(?:a\s+)?(?:long|short)|"
    r"enter\s+(?:a\s+)?(?:long|short)|place\s+(?:a\s+|an\s+)?(?:buy|sell|limit|market|stop))\b"
)
_EXPLAIN_START = (
    r"(?:^|[:;.!?]\s*|^(?:so|ok|okay|and|but|also|btw|hey|quick\s+question)[\s,]+)(?:what\s+(?:is|are)\s+(?:a|an|the)?\s*(?!my\b)|what's\s+(?:a|an)\s|what\s+does\s.+\smean|explain|define|"
    r"meaning\s+of|how\s+(?:does|do)\s+(?!this\b|the\s+bot|you\b|i\b)[\w\s-]+\s+work|difference\s+between|"
    r"what\s+do\s+you\s+mean\s+by|eli5|tell\s+me\s+about\s+(?:a|an)\s)"
)

# intent -> [(pattern, weight)]
_CUES: dict[str, list[tuple[str, float]]] = {
    "place_order": [
        (_POLITE + _SIDE_VERB, 4), (r"\bplace\s+(?:a\s+|an\s+)?(?:\w+\s+)?order\b", 4),
        (r"\b(?:buy|sell|long|short)\s+(?:some|more|\d)", 1),
        (_POLITE + r"(?:spend|invest|put|throw|allocate|deploy)\s+\$?\d[\d.,]*[km]?\s*(?:usd\w*|dollars|bucks|\$)?\s+"
         r"(?:on|into|in)\b", 5),
    ],
    "cancel_order": [
        (r"\b(?:cancel|kill|pull|scrap|remove|delete|withdraw|revoke|drop)\b.{0,30}\b(?:orders?|limits?|bids?|asks?)\b", 5),
        (r"\bcancel\b", 2),
    ],
    "close_position": [
        (r"\b(?:close|exit|flatten|flat|liquidate|square\s+off|get\s+(?:me\s+)?out\s+of|bail\s+on|take\s+me\s+out|"
         r"take\s+(?:some\s+)?profits?\s+on|trim|reduce|scale\s+out\s+of|cut)\b"
         r".{0,30}\b(?:position|positions|long|short|longs|shorts|trade|everything|all|half|quarter|\d+%|it)\b", 5),
        (r"^(?:please\s+)?(?:close|exit|flatten)\b", 3),
        (r"\btake\s+(?:half|some|\d+\s*%|a\s+quarter|a\s+third)\s+off\b", 5),
        # "lock in my gains on eth", "book profits on half my link": realising a profit closes (part of) a position.
        (r"\b(?:take|lock\s+in|secure|book|bank|realize|realise)\s+(?:some\s+|my\s+|the\s+)?(?:profits?|gains?)\s+(?:on|from|off)\b", 6),
    ],
    "modify_order": [
        (r"\b(?:move|set|change|raise|lower|adjust|update|modify|edit|put|trail|tighten|widen|add|bump|shift|drag)\b"
         r".{0,30}\b(?:stop|sl|stop[\s-]loss|tp|tps|take[\s-]profits?|targets?|price)\b", 4),
        (r"\b(?:modify|amend|edit|change)\s+(?:my\s+|the\s+)?order\b", 5),
        (r"\b(?:sl|stop)\s+to\s+(?:breakeven|break\s+even|be|entry)\b", 3),
        (r"\b(?:sl|stop[\s-]?loss|stop)\s+(?:on\s+|for\s+)?my\b", 4),
    ],
    "evaluate_trade": [
        (r"\b(?:should\s+i|is\s+it\s+(?:a\s+)?(?:good|wise|smart|safe)|good\s+idea|bad\s+idea|decent\s+idea|"
         r"what\s+do\s+you\s+think|thoughts\s+on|review|grade|rate\s+(?:this|my)|evaluate|assess|check\s+(?:this|my)|"
         r"good\s+entry|worth\s+(?:it|entering|taking)|opinion|would\s+you|does\s+this\s+(?:setup|trade)|legit|"
         r"is\s+this\s+(?:signal|setup|call|trade)|"
         r"(?:good|decent|bad|solid|smart|safe)\s+(?:idea|trade|entry|setup|plan))\b", 2),
        (r"\b(?:risk[\s/-]*reward|r:r|r/r|rr\s+on|reward\s+to\s+risk)\b", 5),
        (r"\b(?:good|ok|okay|fine|decent|solid|legit)\s*\?+\s*$", 2),
        (r"\b(?:this|my)\s+(?:setup|trade\s+idea)\b", 2),
    ],
    "price": [
        (r"\bwhat'?s\s+[$#]?\w+\s+(?:at|now|trading)\b", 3),
        (r"\b(?:price|prices|trading\s+at|quotes?|how\s+much\s+is|valued\s+at|convert|last\s+price|rate\s+for|"
         r"price\s+check|cost)\b", 3),
        (r"\bhow(?:'s|\s+is|\s+are)\s+.{1,20}\s+(?:doing|looking|performing)\b", 3),
        (r"\bhow\s+much\s+did\s+.{1,20}\s+(?:move|change|go\s+up|go\s+down|pump|drop)\b", 4),
        (r"^\W*[$#]?\w+\s*(?:now|today)?\s*\?+\s*$", 2),
        (r"\bwhere\s+(?:is\s+)?[$#]?\w+\s+(?:is\s+)?(?:trading|at)\b|\bwhere'?s\s+[$#]?\w+\s+(?:trading|at)\b", 3),
        # Market data about one coin is read with its quote.
        (r"\b(?:market\s*cap|mcap|dominance|open\s+interest|circulating\s+supply|ath|all\s+time\s+high)\b", 4),
    ],
    "market_overview": [
        (r"\b(?:top|biggest|best|worst)\s+(?:\d+\s+)?(?:gainers|losers|movers|performers|coins|pumps)\b", 5),
        (r"\b(?:gainers|losers|movers|what'?s\s+pumping|what'?s\s+dumping|what\s+is\s+pumping|trending|heatmap)\b", 4),
        (r"\bmarket\s+(?:summary|overview|update|recap|report|snapshot|wrap)\b|\bhow(?:'s|\s+is|\s+was)\s+the\s+(?:crypto\s+)?market\b", 5),
        (r"\b(?:compare|comparison|versus)\b|\bvs\.?\b", 3),
    ],
    "create_alert": [
        (r"\b(?:alert|notify|ping|warn|remind|buzz)\s+me\b|\blet\s+me\s+know\b|\btell\s+me\s+(?:if|when)\b|"
         r"\b(?:message|text|dm)\s+me\s+(?:if|when)\b", 5),
        (r"\b(?:set|create|add|make|new)\s+(?:an?\s+|a\s+price\s+)?(?:price\s+)?alert\b|\bprice\s+alert\b(?!s)", 5),
        (r"\bwatch\b.{0,20}\b(?:for|if|when)\b", 4),
        (r"\balert\b", 2),
    ],
    "list_alerts": [
        (r"\b(?:show|list|which|what|view|see|display|active|my|all|current)\b.{0,20}\balerts\b", 5),
        (r"\balerts\s*(?:\?|$)", 2),
    ],
    "delete_alert": [
        (r"\b(?:remove|delete|cancel|clear|turn\s+off|disable|stop|drop|kill|mute)\b.{0,25}\balerts?\b", 9),
    ],
    "indicators": [
        (r"\b(?:indicators?|technicals?|oversold|overbought|divergence|crossover|golden\s+cross|death\s+cross|"
         r"momentum\s+reading)\b", 3),
    ],
    "chart": [(r"\b(?:chart|charts|plot|graph|candles|candlesticks?)\b", 5), (r"\bchart\b.{0,25}\bwith\b", 3)],
    "levels": [
        (r"\b(?:(?<!you\s)support|resistance|s/r|key\s+levels|levels|zones|pivots?|retracement|demand\s+zone|supply\s+zone|fib|fibs|fibo|fibonacci)\b", 5),
    ],
    "portfolio": [
        (r"\b(?:portfolio|holdings|bags|account\s+value|net\s+worth|total\s+value|what\s+(?:do\s+)?i\s+(?:own|hold)|"
         r"my\s+assets|my\s+coins|allocation)\b", 4),
    ],
    "balance": [
        (r"\b(?:balance|balances|wallet|free\s+margin|available\s+margin|margin\s+available|buying\s+power|"
         r"how\s+much\s+\w+\s+do\s+i\s+(?:have|own|hold)|funds\s+available|available\s+funds|left\s+in)\b", 5),
        # Affordability asks about the balance, whatever order it names ("do i have enough usdt to buy 1 eth").
        (r"\b(?:do\s+i\s+have\s+enough|have\s+i\s+got\s+enough|can\s+i\s+afford|is\s+my\s+(?:balance|usdt|usdc|cash|margin)\s+"
         r"enough)\b", 8),
    ],
    "positions": [
        (r"\b(?:positions?|open\s+(?:longs|shorts|trades)|(?:any|my)\s+(?:longs|shorts)|am\s+i\s+(?:long|short)|"
         r"do\s+i\s+have\s+a\s+(?:long|short|position))\b", 3),
    ],
    "orders": [
        (r"\b(?:open|pending|active|working|waiting|resting|outstanding|unfilled|my|limit)\s+(?:\w+\s+)?orders\b|"
         r"\borders?\s+(?:waiting|pending|open)\b|\b(?:did|has|is)\s+my\s+.{0,20}\b(?:order|limit|buy|sell)\s+"
         r"(?:fill|filled|execute|executed|go\s+through)|\border\s+status\b|\b(?:any|what|which|show|list)\s+orders\b", 5),
    ],
    "pnl": [
        (r"\b(?:pnl|p&l|p/l|profit\s+and\s+loss|(?<!take\s)profits?|gains?|losses|realized|realised|unrealized|"
         r"unrealised|roi|how\s+am\s+i\s+doing|how\s+did\s+i\s+do|how\s+much\s+(?:did|have)\s+i\s+(?:make|made|lose|lost|earn)|am\s+i\s+(?:up|down)|in\s+the\s+green|"
         r"in\s+the\s+red)\b", 4),
    ],
    "history": [
        (r"\b(?:history|fills|filled\s+orders|closed\s+(?:trades|positions|orders)|past\s+trades|previous\s+trades|recent\s+trades|last\s+trades|"
         r"trades\s+did\s+i|my\s+trades|trade\s+log|executions|transactions|what\s+did\s+i\s+(?:buy|sell|trade))\b", 5),
    ],
    "portfolio_risk": [
        (r"\b(?:risk\s+exposure|exposure|over[\s-]?exposed|how\s+exposed|exposed\s+(?:am\s+i|to|on|in)|over[\s-]?leveraged|how\s+leveraged|concentrat\w*|diversif\w*|risk\s+check|portfolio\s+risk|account\s+risk|"
         r"overall\s+(?:risk|leverage)|margin\s+ratio|liquidation\s+risk|drawdown|how\s+risky\s+is\s+my\s+"
         r"(?:portfolio|account|book)|my\s+(?:portfolio|account|book|bags?)\s+(?:too\s+)?(?:risky|exposed|leveraged))\b", 5),
    ],
    "position_size": [
        (r"\b(?:position\s+size|size\s+(?:my|a|the|for)|what\s+size|how\s+(?:big|large)\s+should|lot\s+size|sizing|how\s+(?:much|many)\s+[$\w]+\s+"
         r"(?:should|can|could)\s+i\s+(?:buy|sell|long|short|get|use|put)|how\s+much\s+(?:should|can)\s+i\s+risk)\b", 5),
        (r"\brisk(?:ing)?\s+\$?\d|\d\s*%\s+risk\b", 2),
    ],
    "trade_risk": [
        (r"\b(?:how\s+risky\s+is\s+(?!my\s+(?:portfolio|account))|too\s+(?:aggressive|risky|much\s+leverage|high)|"
         r"downside|how\s+much\s+(?:do|would|could|will|can)\s+i\s+lose|risk\s+of\s+(?:shorting|longing|buying|"
         r"selling|a|an|this|opening)|liquidation\s+price\s+(?:of|for|on)|worst\s+case|is\s+\d+x\b|"
         r"(?:where|what)(?:'s|\s+is|\s+would\s+be)?\s+(?:\w+\s+)?liquidation|my\s+risk\s+on|risk\s+on\s+(?:my|the|this))",
         5),
    ],
    "recommend": [
        (r"\b(?:what\s+should\s+i\s+do|what\s+would\s+you\s+do|advice|advise|recommend\w*|suggest\w*|strateg(?:y|ies)|plan|dca|"
         r"good\s+time\s+to|accumulate|keep\s+holding|hold\s+or|or\s+(?:wait|hold|sell|keep|take)|best\s+play|"
         r"what\s+to\s+do|worth\s+buying|look\s+good\s+to|which\s+(?:coins?|altcoins?|alts?|tokens?)|"
         r"should\s+i\s+(?:switch|hold|keep|sell|take|rotate|wait|exit|add)|"
         r"buy\s+or\s+sell|long\s+or\s+short|sell\s+or\s+hold|time\s+to\s+(?:sell|buy|exit)|setup\s+for|"
         r"best\s+(?:coins?|crypto|tokens?|alts?|altcoins?|thing|move)|what\s+(?:coin|token)s?\s+(?:to|should))\b", 4),
    ],
    "news": [
        (r"\b(?:news|headlines?|what\s+happened|what'?s\s+happening|what'?s\s+going\s+on|what\s+is\s+happening|what'?s\s+new|"
         r"did\s+something\s+happen|announcements?|regulat\w+|listings?|delistings?|halving|etf|hack(?:ed)?|"
         r"latest\s+on|updates?\s+on)\b", 4),
        (r"\bwhy\s+(?:is|did|are|has|was|does)\b", 5),
        # "eth just dumped 8%, wtf happened": a past move asks for its cause, whatever the swear word.
        (r"\b(?:wtf|wth|what\s+the\s+\w+)\s+(?:happened|is\s+going\s+on|is\s+happening)\b|\bjust\s+(?:dumped|pumped|crashed|"
         r"tanked|mooned|dropped|spiked|nuked|rugged)\b", 5),
    ],
    "sentiment": [
        (r"\bsentiment\b|\bfear\s*(?:&|and)\s*greed\b", 6),
        (r"\b(?:fear|fearful|greed|greedy|bullish|bearish|mood|vibes?|feel(?:ing)?\s+about|how\s+do\s+people|crowd|"
         r"social|buzz|hype|panick?\w*|fud|fomo|twitter|community|consensus|optimistic|pessimistic|euphori\w+)\b", 3),
    ],
    "greeting": [
        (r"^\W*(?:hi|hello|hey|hiya|heya|yo|gm|good\s+(?:morning|evening|afternoon|night|day)|howdy|sup|greetings|"
         r"hola|what'?s\s+up|привет|hey\s+there)\b", 5),
    ],
    "help": [
        (r"\bcommands?\b", 2),
        (r"\b(?:help|commands?|what\s+can\s+you\s+do|get(?:ting)?\s+started|how\s+(?:do|can)\s+i\s+use|"
         r"how\s+(?:does|do)\s+(?:this|the)\s+bot\s+work|features|menu|usage|tutorial|what\s+do\s+you\s+do|"
         r"what\s+(?:can|does)\s+(?:this|the)\s+(?:bot|thing|app)\s+do)\b", 5),
        (r"^/\w+", 5),
        (r"\b(?:settings|language|api\s+keys?|referral|subscription|premium|pricing|is\s+(?:this|the)\s+bot\s+free|"
         r"connect\s+(?:my\s+)?(?:\w+\s+)?(?:account|exchange|api|wallet))\b", 5),
        (r"^how\s+(?:do|can|should)\s+i\s+(?:set|create|use|add|connect|link|change|see|get|turn|enable|cancel)\b", 8),
    ],
    "explain": [(_EXPLAIN_START, 6)],
    "other": [
        (r"^\W*(?:yes|yep|yeah|yup|nope|no|nah|sure|confirm(?:ed)?|y|n|k)\W*$", 5),
        (r"\b(?:thanks?|thank\s+you|thx|ty|cheers|appreciate|nice|cool|great|awesome|lol|haha|joke|who\s+(?:are|built|"
         r"made|created)|your\s+name|bye|goodbye|ok|okay)\b", 3),
    ],
}
_COMPILED = {intent: [(re.compile(p, re.IGNORECASE), w) for p, w in cues] for intent, cues in _CUES.items()}
# Questions and hypotheticals ("if i long eth at 3000 …") never place an order.
_QUESTION_RE = re.compile(r"\?|^(?:should|is|are|do|does|can|could|would|what|how|which|why|if|suppose|say)\b",
                          re.IGNORECASE)
_MONEY_INTENTS = ("position_size", "trade_risk", "evaluate_trade")


@dataclass(frozen=True)
class Classification:
    command_type: CommandType
    intent: str
    confidence: float
    # The next best intents, best first: what the bot offers when the confidence is low.
    alternatives: tuple[str, ...] = ()


# How many cue points a model probability of 1.0 is worth. Chosen on dev-2's tune half with a
# model trained without it (10-30 score within 0.01 of each other; 15 sits on that plateau).
MODEL_WEIGHT = 15.0
# Below the bot's usual threshold (0.6): a reading it offers with its alternatives instead of acting on.
_SPLIT_MODEL_CONFIDENCE = 0.55
# Typed commands are short; a longer text with no cue at all is chatter, whatever the model says.
_LONGEST_COMMAND_WORDS = 40


def classify(text: str, mentions: Sequence[Mention], model_scores: dict[str, float] | None = None, *,
             members_agree: bool = True) -> Classification:
    """Score every intent's cues, add entity evidence and the model's probabilities, return the best reading."""
    lowered = text.lower().strip()
    labels = {mention.label for mention in mentions}
    has_symbol = "ASSET" in labels
    scores: dict[str, float] = {}
    for intent, cues in _COMPILED.items():
        score = sum(weight for pattern, weight in cues if pattern.search(lowered))
        if score:
            scores[intent] = score
    indicators = {mention.value for mention in mentions if mention.label == "INDICATOR"}
    _add_entity_evidence(scores, lowered, labels, has_symbol, indicators)
    if model_scores:
        reading = _combined(scores, model_scores, long_text=len(lowered.split()) > _LONGEST_COMMAND_WORDS,
                            has_symbol=has_symbol)
        cue_best = max(scores, key=scores.get) if scores else None
        if not members_agree and cue_best != reading.intent and reading.confidence > _SPLIT_MODEL_CONFIDENCE:
            # The model's members read it differently and no rule settles it: offer the readings, don't act on one.
            return Classification(reading.command_type, reading.intent, _SPLIT_MODEL_CONFIDENCE, reading.alternatives)
        return reading
    if not scores:
        if has_symbol:
            return Classification(CommandType.MARKET_ANALYSIS, "price", 0.55)
        return Classification(CommandType.GENERAL_QUERY, "other", 0.3 if lowered else 0.1)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = min(0.97, 0.5 + 0.06 * best_score + 0.08 * (best_score - runner_up))
    alternatives = tuple(intent for intent, _ in ranked[1:3])
    return Classification(COMMAND_TYPE_OF_INTENT[best], best, round(confidence, 3), alternatives)


def _combined(cue_scores: dict[str, float], model_scores: dict[str, float], long_text: bool,
              has_symbol: bool = False) -> Classification:
    combined = {intent: cue_scores.get(intent, 0.0) + MODEL_WEIGHT * model_scores.get(intent, 0.0)
                for intent in set(cue_scores) | set(model_scores) if intent in COMMAND_TYPE_OF_INTENT}
    ranked = sorted(combined.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    margin = best_score - (ranked[1][1] if len(ranked) > 1 else 0.0)
    cue_best = max(cue_scores, key=cue_scores.get) if cue_scores else None
    agreement = 0.15 if cue_best == best else -0.1 if cue_best is not None else 0.0
    confidence = 0.45 + 0.35 * model_scores.get(best, 0.0) + agreement + min(0.05, 0.01 * margin)
    confidence = max(0.05, min(0.97, confidence))
    if best in ("other", "greeting") and has_symbol and not long_text:
        # Small talk around a coin ("hope you're well, where is btc trading? thanks") still asks about the
        # coin: take the likeliest request, with a confidence low enough that the bot offers the readings.
        requests = [intent for intent, _ in ranked if COMMAND_TYPE_OF_INTENT[intent] != CommandType.GENERAL_QUERY]
        if requests:
            best = requests[0]
            return Classification(COMMAND_TYPE_OF_INTENT[best], best,
                                  round(min(0.5, 0.35 + 0.35 * model_scores.get(best, 0.0)), 3),
                                  tuple(intent for intent, _ in ranked if intent != best)[:2])
    if not cue_scores and (best == "other" or long_text):
        # Only the model has an opinion: "nothing actionable", or about a long ramble no command looks like.
        return Classification(CommandType.GENERAL_QUERY, "other", 0.3, tuple(intent for intent, _ in ranked[:2]))
    alternatives = tuple(intent for intent, _ in ranked[1:3])
    return Classification(COMMAND_TYPE_OF_INTENT[best], best, round(confidence, 3), alternatives)


def _add_entity_evidence(scores: dict[str, float], lowered: str, labels: set[str], has_symbol: bool,
                         indicators: set[str]) -> None:
    def add(intent: str, amount: float) -> None:
        scores[intent] = scores.get(intent, 0.0) + amount

    question = bool(_QUESTION_RE.search(lowered))
    has_number = "NUMBER" in labels
    if "INDICATOR" in labels and not indicators <= {"fibonacci"}:
        add("indicators", 6)  # a named indicator outweighs "4 hour chart", which is only a timeframe
    if "TIMEFRAME" in labels and has_symbol and not scores:
        add("chart", 2)
    if "SIDE" in labels and has_symbol and not question and (has_number or "LEVERAGE" in labels or "CASH" in labels):
        add("place_order", 2)
    if "evaluate_trade" in scores:
        # An opinion on a concrete trade needs a level or a side; otherwise it is advice.
        concrete = has_number and ("SIDE" in labels or "STOP" in labels or "TP" in labels or has_symbol)
        if concrete:
            add("evaluate_trade", 3)
        else:
            add("recommend", scores.pop("evaluate_trade") - 1)
    if "CONDITION" in labels and has_number and "create_alert" in scores:
        add("create_alert", 1)
    if has_symbol and not has_number and "explain" in scores:
        scores["explain"] -= 2
    if ("greeting" in scores or "other" in scores or "help" in scores) and (has_symbol or "SIDE" in labels):
        for intent in ("greeting", "other", "help"):
            if intent in scores:
                scores[intent] -= 3
    if "help" in scores and has_number:
        scores["help"] -= 4  # "how do i set an alert for btc at 70k" asks for the alert itself
    if "greeting" in scores and len(lowered.split()) > 6:
        scores["greeting"] -= 3
    if any(intent in scores for intent in _MONEY_INTENTS) and "place_order" in scores and question:
        scores["place_order"] -= 3
    for intent in [intent for intent, score in scores.items() if score <= 0]:
        del scores[intent]
