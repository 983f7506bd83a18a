"""Feed documents in the formats real publishers serve (RSS 2.0 with HTML descriptions, Atom),
dated around ``NOW`` so that period filters can be checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Chain Daily</title>
    <link>https://chaindaily.example/</link>
    <description>Crypto news</description>
    <item>
      <title>Solana validators ship the v2 client</title>
      <link>https://chaindaily.example/solana-v2</link>
      <guid isPermaLink="false">cd-1001</guid>
      <pubDate>Mon, 10 Mar 2025 09:30:00 +0000</pubDate>
      <description><![CDATA[<p>The <b>Solana</b> upgrade went live &amp; fees fell.</p>]]></description>
    </item>
    <item>
      <title>SEC delays decision on spot ETH ETF</title>
      <link>https://chaindaily.example/sec-eth-etf</link>
      <pubDate>Sun, 09 Mar 2025 18:00:00 GMT</pubDate>
      <description>The regulator asked for more comments.</description>
    </item>
    <item>
      <title>Exchange hacked, $40M drained from hot wallet</title>
      <link>https://chaindaily.example/hack</link>
      <dc:date>2025-03-01T08:00:00Z</dc:date>
      <description>Attackers exploited a signing bug.</description>
    </item>
    <item>
      <title>Click here</title>
      <link>javascript:alert(1)</link>
      <pubDate>Mon, 10 Mar 2025 10:00:00 +0000</pubDate>
    </item>
    <item>
      <title>How to link your wallet</title>
      <link>https://chaindaily.example/guide</link>
      <description>A guide with no date at all.</description>
    </item>
  </channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Ledger Wire</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-03-10T11:00:00Z</updated>
  <entry>
    <title>Bitcoin tops $90k as ETF inflows return</title>
    <link rel="alternate" type="text/html" href="https://ledgerwire.example/btc-90k"/>
    <link rel="edit" href="https://ledgerwire.example/api/1"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2025-03-10T11:00:00+00:00</published>
    <updated>2025-03-10T11:05:00Z</updated>
    <summary type="html">&lt;p&gt;Spot &lt;em&gt;BTC&lt;/em&gt; funds saw inflows.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Binance lists two new pairs</title>
    <link href="https://ledgerwire.example/binance-listing"/>
    <id>urn:uuid:2</id>
    <updated>2025-03-08T07:15:00+01:00</updated>
    <content type="text">New listings go live on Tuesday.</content>
  </entry>
  <entry>
    <title>Chainlink expands to a new network</title>
    <link href="https://ledgerwire.example/chainlink"/>
    <id>urn:uuid:3</id>
    <updated>2025-02-01T00:00:00Z</updated>
  </entry>
</feed>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>
"""
