"""The progress chart as a person sees it."""

from __future__ import annotations

from datetime import date

from bot.app import RecoveryBot


async def test_chart_dates_are_written_as_people_in_that_country_write_them(
    core: RecoveryBot,
) -> None:
    """The 2 March tick reads 03/02 for someone in the United States, 02/03 in the UK;
    never the DD.MM of a German calendar."""
    from bot.checkins.progress_view import DATE_FORMAT

    renderer = core.renderer("en")
    march_2 = date(2026, 3, 2)
    assert march_2.strftime(renderer.render(DATE_FORMAT, {"country": "US"}).strip()) == "03/02"
    assert march_2.strftime(renderer.render(DATE_FORMAT, {"country": "GB"}).strip()) == "02/03"
