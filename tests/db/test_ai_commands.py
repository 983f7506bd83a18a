from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from db.models import AICommand
from db.repositories.ai_commands import AICommandRepository, finish
from db.repositories.users import UserRepository
from domain.enums import CommandStatus, CommandType


async def _user_id(uow):
    return (await uow.repo(UserRepository).get_or_create_for_telegram(1, full_name=None)).id


async def test_a_command_goes_from_processing_to_completed_with_its_parse(uow_factory):
    async with uow_factory() as uow:
        repo = uow.repo(AICommandRepository)
        command = await repo.start(" buy 0.5 eth at 3.1k ", telegram_user_id=None, user_id=await _user_id(uow))
        assert command.status is CommandStatus.PROCESSING
        assert command.command_type is CommandType.GENERAL_QUERY  # until the parser classifies it
        assert command.started_at is not None
        assert command.processed_input == {"text": "buy 0.5 eth at 3.1k"}
        finish(
            command, command_type="trade_execution", intent="place_order",
            entities={"symbol": "ETH/USDT", "amount": 0.5, "price": 3100}, confidence=0.934,
            processing_time_ms=1, model_version="rules-1",
        )
        await repo.write(command)
        await repo.add_response(command.id, "Confirm: buy 0.5 ETH", response_type="confirmation")
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.session.scalar(select(AICommand))
        assert stored.status is CommandStatus.COMPLETED
        assert stored.command_type is CommandType.TRADE_EXECUTION
        assert stored.confidence_score == Decimal("0.93")
        assert stored.extracted_entities["symbol"] == "ETH/USDT"
        assert stored.completed_at >= stored.started_at >= stored.created_at
        [response] = await uow.repo(AICommandRepository).responses(stored.id)
        assert response.response_type == "confirmation"


async def test_a_failed_parse_keeps_its_error(uow_factory):
    async with uow_factory() as uow:
        repo = uow.repo(AICommandRepository)
        command = await repo.start("???", telegram_user_id=None, user_id=await _user_id(uow))
        await repo.fail(command, error_code="llm_timeout", error_message="model did not answer in 8 s",
                        processing_time_ms=8000)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.session.scalar(select(AICommand))
        assert (stored.status, stored.error_code) == (CommandStatus.FAILED, "llm_timeout")
