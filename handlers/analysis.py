"""/accuracy: the bot's own track record, per timeframe, of the technical calls it has made."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.flags import PUBLIC
from bot.render.market import render_track_record
from bot.sender import Sender
from db.repositories.analyses import AnalysisRecordRepository
from db.uow import UnitOfWork


def build_router() -> Router:
    router = Router(name="analysis")
    router.message.register(accuracy, Command("accuracy"), flags=PUBLIC)
    return router


async def accuracy(message: Message, uow: UnitOfWork, sender: Sender) -> None:
    records = await uow.repo(AnalysisRecordRepository).track_record()
    await sender.send(message.chat.id, render_track_record(records))
