"""Margin and liquidation figures pinned against worked examples of Binance's published formulas.

Binance USD-M Futures, one-way mode:
    Initial margin     IM  = notional / leverage
    Maintenance margin MM  = notional x MMR - cum              (MMR and cum of the notional's bracket)
    Liquidation price  LP  = (WB - TMM1 + UPNL1 + cumB - Side1 x Position1 x EP1)
                             / (Position1 x MMR_B - Side1 x Position1)
BTCUSDT brackets (published): <=50,000 MMR 0.40 % cum 0; <=250,000 0.50 % cum 50;
<=3,000,000 1.00 % cum 1,300; <=15,000,000 2.50 % cum 46,300; ...
"""

from __future__ import annotations

from decimal import Decimal

from domain import futures
from domain.enums import OrderSide

D = Decimal


def test_bracket_maintenance_amounts_match_binances_published_column():
    # cum(n) = cum(n-1) + floor(n) x (MMR(n) - MMR(n-1)): 50,000 x (0.005 - 0.004) = 50, ...
    assert [b.amount for b in futures.brackets("BTC/USDT")] == [
        D(0), D(50), D(1300), D(46300), D(421300), D(1921300), D(3921300), D(6421300), D(26421300), D(101421300)]
    assert futures.bracket_for("BTC/USDT", D(120000)).rate == D("0.005")
    assert futures.max_leverage("BTC/USDT", D(6000)) == 125 and futures.max_leverage("BTC/USDT", D(1_000_000)) == 50


def test_isolated_long_10x_liquidation():
    # Long 0.1 BTC at 60,000, 10x isolated: notional 6,000 (tier 1: MMR 0.4 %, cum 0), IM = 600.
    # LP = (600 - 0 + 0 + 0 - 1 x 0.1 x 60,000) / (0.1 x 0.004 - 1 x 0.1) = -5,400 / -0.0996 = 54,216.8674...
    assert futures.initial_margin(D(6000), D(10)) == D(600)
    lp = futures.liquidation_price("BTC/USDT", OrderSide.BUY, D("0.1"), D(60000), D(600))
    assert round(lp, 4) == D("54216.8675")
    # At that price the equity left equals the maintenance margin: 600 - 578.3133 = 21.6867 = 0.1 x LP x 0.004.
    equity = D(600) + futures.unrealized_pnl(OrderSide.BUY, D("0.1"), D(60000), lp)
    assert round(equity, 6) == round(futures.maintenance_margin("BTC/USDT", D("0.1") * lp), 6)


def test_isolated_short_20x_in_the_second_tier():
    # Short 2 BTC at 60,000, 20x: notional 120,000 (tier 2: MMR 0.5 %, cum 50), IM = 6,000, MM = 600 - 50 = 550.
    # LP = (6,000 + 50 - (-1) x 2 x 60,000) / (2 x 0.005 - (-1) x 2) = 126,050 / 2.01 = 62,711.4428...
    assert futures.maintenance_margin("BTC/USDT", D(120000)) == D(550)
    lp = futures.liquidation_price("BTC/USDT", OrderSide.SELL, D(2), D(60000), D(6000))
    assert round(lp, 4) == D("62711.4428")
    assert futures.liquidated(OrderSide.SELL, lp, D("62711.45")) and not futures.liquidated(OrderSide.SELL, lp, D(62700))


def test_cross_long_is_backed_by_the_whole_wallet():
    # Cross, wallet 10,000, long 1 BTC at 60,000 (tier 2): LP = (10,000 + 50 - 60,000) / (0.005 - 1) = 50,201.0050...
    lp = futures.liquidation_price("BTC/USDT", OrderSide.BUY, D(1), D(60000), D(10000))
    assert round(lp, 4) == D("50201.0050")
