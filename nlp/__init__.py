"""Natural-language reading of typed commands and forwarded channel posts.

Public API:
    nlp.service.NLPService   async ``parse(text, *, forwarded=False) -> ParsedCommand``; ``add_markets``
    nlp.models.ParsedCommand text, command_type, intent, confidence, entities; ``to_dict()``, ``to_json()``
    nlp.models.RULES_VERSION the rule parser's version string (ParsedCommand.model_version)
    nlp.parser.RuleParser    the synchronous rule-based parser behind the service
    nlp.cli.main             one message per stdin line -> one contract JSON object per line
"""
