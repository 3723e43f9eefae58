using Timeline.IntegrationTests.Timeline;
using Timeline.V1;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// The page the timeline service serves (docs/PAGE.md), in headless Chromium over the DevTools
/// protocol, against both services for real: it loads, follows appends without a reload, recolours
/// a deadline when its status changes, resumes after the service restarts without repeating an
/// entry, keeps text from the data inert, and restores a copied address. Fails, never skips,
/// without Chromium (.ci/run installs it).
/// </summary>
public sealed partial class LivePageChromiumTests : IAsyncLifetime
{
    private PageSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        system = await PageSystem.StartAsync();
        await system.AppendAsync(MaliReport.Events());
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    [Fact]
    public async Task An_event_appended_through_grpc_appears_without_a_reload_with_its_span_and_details()
    {
        // Zoomed to August..November 2023 by the period filter, which the service applies.
        await system.OpenAsync("?from=2023-08-01&to=2023-11-30");
        var browser = system.Browser;
        Assert.Equal(0, await system.RowsAsync("coup-2020"));
        Assert.Equal(1, await system.RowsAsync("tuareg-fighting"));
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'live'");
        await browser.EvaluateAsync("window.sameDocument = 'yes'");

        await system.AppendAsync(MaliReport.Dated("kidal-handover", "2023-10-31", "MINUSMA hands over its Kidal camp"));

        await browser.WaitUntilAsync("document.querySelector('#entries .entry[data-event-id=\"kidal-handover\"]')");
        Assert.Equal("yes", (await browser.EvaluateAsync("window.sameDocument"))?.GetValue<string>());
        Assert.Equal(1, await system.RowsAsync("kidal-handover"));

        // "since late August" is a span (21..31 August) drawn wider than a one-day entry.
        var lateAugust = (await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"tuareg-fighting\"] .bar').getBoundingClientRect().width"))!.GetValue<double>();
        var oneDay = (await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"kidal-handover\"] .bar').getBoundingClientRect().width"))!.GetValue<double>();
        Assert.True(lateAugust > 5 * oneDay, $"late August is drawn {lateAugust} px wide, a day {oneDay} px");
        Assert.Equal(true, (await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"tuareg-fighting\"] .uncertain-mark') !== null"))?.GetValue<bool>());

        // Details on click: the title, the date's bounds, and the revisions from storage.
        await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"tuareg-fighting\"] .entry-label').click()");
        await browser.WaitUntilAsync("!document.getElementById('details').hidden && document.querySelector('#revisions li') && document.querySelector('#revisions li').textContent.includes('position')");
        var details = (await browser.EvaluateAsync("document.getElementById('details').textContent"))!.GetValue<string>();
        Assert.Contains("Fighting escalates between Tuareg separatist groups and the army", details, StringComparison.Ordinal);
        Assert.Contains("2023-08-21 .. 2023-08-31", details, StringComparison.Ordinal);
        Assert.Contains("“since late August” read against 2023-10-16", details, StringComparison.Ordinal);
        Assert.Contains("sel=tuareg-fighting", (await browser.EvaluateAsync("location.search"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(browser.PageErrors());
    }

    [Fact]
    public async Task A_deadline_changes_colour_when_its_status_changes()
    {
        await system.OpenAsync();
        var browser = system.Browser;
        const string Item = "document.querySelector('#deadline-list .deadline[data-deadline-id=\"minusma-withdrawal\"]')";
        await browser.WaitUntilAsync($"{Item} && {Item}.dataset.state === 'AT_RISK'");
        var before = (await browser.EvaluateAsync($"getComputedStyle({Item}.querySelector('.deadline-button')).borderLeftColor"))!.GetValue<string>();
        Assert.Contains("At risk", (await browser.EvaluateAsync($"{Item}.textContent"))!.GetValue<string>(), StringComparison.Ordinal);

        await system.AppendAsync(MaliReport.Met("2023-10-16"));

        await browser.WaitUntilAsync($"{Item}.dataset.state === 'MET'");
        var after = (await browser.EvaluateAsync($"getComputedStyle({Item}.querySelector('.deadline-button')).borderLeftColor"))!.GetValue<string>();
        Assert.NotEqual(before, after);
        Assert.Contains("Met", (await browser.EvaluateAsync($"{Item}.textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("MET", (await browser.EvaluateAsync("document.querySelector('#deadline-lane .marker[data-deadline-id=\"minusma-withdrawal\"]').dataset.state"))?.GetValue<string>());

        // Its explanation and how its status moved: on track from 30 June, at risk from the 14 October warning, met.
        await browser.EvaluateAsync($"{Item}.querySelector('.deadline-button').click()");
        await browser.WaitUntilAsync("document.querySelectorAll('#status-history li').length === 3");
        var history = (await browser.EvaluateAsync("[...document.querySelectorAll('#status-history li')].map(li => li.dataset.state).join(' ')"))!.GetValue<string>();
        Assert.Equal("ON_TRACK AT_RISK MET", history);
        Assert.Contains("2023-06-30: On track", (await browser.EvaluateAsync("document.getElementById('status-history').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("MINUSMA's withdrawal declared complete", (await browser.EvaluateAsync("document.getElementById('details').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("deadline:minusma-withdrawal", Uri.UnescapeDataString((await browser.EvaluateAsync("location.search"))!.GetValue<string>()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_timeline_service_restarts_the_page_says_so_then_resumes_without_repeating_or_missing_an_entry()
    {
        await system.OpenAsync();
        var browser = system.Browser;
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'live'");
        await system.AppendAsync(MaliReport.Dated("before-restart", "2023-10-20", "Appended before the restart"));
        await browser.WaitUntilAsync("document.querySelector('.entry[data-event-id=\"before-restart\"]')");

        await system.StopTimelineAsync();
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'disconnected'");
        Assert.Contains("Disconnected", (await browser.EvaluateAsync("document.getElementById('connection').textContent"))!.GetValue<string>(), StringComparison.Ordinal);

        // Stored while the page had no feed: it must arrive after the restart, once.
        var whileDown = new global::Timeline.Storage.V1.AppendEventsRequest { Events = { MaliReport.Dated("while-down", "2023-10-21", "Appended while the service was down") } };
        await system.Storage.AppendEventsAsync(whileDown, cancellationToken: TestContext.Current.CancellationToken);
        await system.StartTimelineAsync();
        await system.AppendAsync(MaliReport.Dated("after-restart", "2023-10-22", "Appended after the restart"));

        await browser.WaitUntilAsync("document.querySelector('.entry[data-event-id=\"after-restart\"]') && document.querySelector('.entry[data-event-id=\"while-down\"]')");
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'live'");
        foreach (var id in new[] { "before-restart", "while-down", "after-restart", "unsc-2690" })
        {
            Assert.Equal(1, await system.RowsAsync(id));
        }

        // The feed delivered each of the three exactly once (the first page came from GetTimeline).
        Assert.Equal("3", (await browser.EvaluateAsync("document.body.dataset.feedEntries"))?.GetValue<string>());
        Assert.Equal(12, (await browser.EvaluateAsync("document.querySelectorAll('#entries .entry').length"))!.GetValue<int>());
    }

    [Fact]
    public async Task A_title_written_as_html_is_shown_as_text_and_runs_nothing()
    {
        const string Title = "<img src=x onerror=\"document.body.dataset.pwned='yes'\"><script>document.body.dataset.pwned='yes'</script>";
        await system.OpenAsync();
        var browser = system.Browser;
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'live'");

        var hostile = MaliReport.Dated("hostile", "2023-10-18", Title);
        hostile.Summary = "<b onmouseover=alert(1)>bold</b>";
        hostile.Source = new Source { Name = "<i>outlet</i>", Url = "https://example.org/report?<script>=1", Quote = "<svg onload=alert(1)>" };
        await system.AppendAsync(hostile);
        await browser.WaitUntilAsync("document.querySelector('.entry[data-event-id=\"hostile\"]')");
        await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"hostile\"] .entry-label').click()");
        await browser.WaitUntilAsync("!document.getElementById('details').hidden");
        await Task.Delay(300, TestContext.Current.CancellationToken);

        Assert.Equal(Title, (await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"hostile\"] .entry-title').textContent"))?.GetValue<string>());
        Assert.Equal(Title, (await browser.EvaluateAsync("document.querySelector('#details h2').textContent"))?.GetValue<string>());
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('#entries img, #entries script, #details img, #details svg, #details b, #details i').length"))!.GetValue<int>());
        await browser.EvaluateAsync("document.querySelector('#details').dispatchEvent(new MouseEvent('mouseover', { bubbles: true }))");
        Assert.Null(await browser.EvaluateAsync("document.body.dataset.pwned"));
        Assert.Equal("https://example.org/report?<script>=1", (await browser.EvaluateAsync("document.querySelector('#details a').textContent"))?.GetValue<string>());
        Assert.Contains("<svg onload=alert(1)>", (await browser.EvaluateAsync("document.getElementById('details').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copied_address_opens_the_same_filters_selection_and_as_of_day()
    {
        var other = MaliReport.Dated("elsewhere", "2023-09-01", "An event with another tag");
        other.Tags.Clear();
        other.Tags.Add("niger");
        await system.AppendAsync(other);
        await system.OpenAsync();
        var browser = system.Browser;
        Assert.Equal(1, await system.RowsAsync("elsewhere"));

        await browser.EvaluateAsync("""
            (() => { const f = document.getElementById('filters'); f.elements.tag.value = 'minusma'; f.elements.asof.value = '2023-10-13'; f.requestSubmit(); })()
            """);
        await browser.WaitUntilAsync("document.body.dataset.loaded === 'true' && document.getElementById('connection').dataset.connection === 'as-of' && document.querySelector('.entry[data-event-id=\"unsc-2690\"]')");
        await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"unsc-2690\"] .entry-label').click()");
        var address = (await browser.EvaluateAsync("location.href"))!.GetValue<string>();
        Assert.Contains("tag=minusma", address, StringComparison.Ordinal);
        Assert.Contains("asof=2023-10-13", address, StringComparison.Ordinal);
        Assert.Contains("sel=unsc-2690", address, StringComparison.Ordinal);

        await browser.NavigateAsync("about:blank");
        await browser.NavigateAsync(address);
        await browser.WaitUntilAsync("document.body.dataset.loaded === 'true' && !document.getElementById('details').hidden");

        Assert.Equal("minusma", (await browser.EvaluateAsync("document.getElementById('filters').elements.tag.value"))?.GetValue<string>());
        Assert.Equal("2023-10-13", (await browser.EvaluateAsync("document.getElementById('filters').elements.asof.value"))?.GetValue<string>());
        Assert.Contains("resolution 2690", (await browser.EvaluateAsync("document.querySelector('#details h2').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await system.RowsAsync("elsewhere"));

        // As of 13 October: the 14 October warning had not happened yet.
        Assert.Equal(0, await system.RowsAsync("un-warning"));
        Assert.Equal(1, await system.RowsAsync("armed-groups-north"));
        Assert.Contains("not live", (await browser.EvaluateAsync("document.getElementById('connection').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_1280_and_400_px_nothing_scrolls_sideways_with_or_without_the_details_open()
    {
        var browser = system.Browser;
        await browser.ViewportAsync(1280, 800, mobile: false);
        await system.OpenAsync("?from=2023-06-01&to=2023-12-31");
        await browser.WaitUntilAsync("document.querySelector('#deadline-list .deadline') && document.getElementById('connection').dataset.connection === 'live'");
        Assert.True((await browser.EvaluateAsync("document.documentElement.scrollWidth"))!.GetValue<int>() <= 1280);
        await system.ScreenshotAsync("page-1280.png");

        await browser.ViewportAsync(400, 800, mobile: true);
        await system.OpenAsync();
        await browser.WaitUntilAsync("document.querySelector('#deadline-list .deadline') && document.getElementById('connection').dataset.connection === 'live'");
        Assert.True((await browser.EvaluateAsync("document.documentElement.scrollWidth"))!.GetValue<int>() <= 400);
        await system.ScreenshotAsync("page-400.png");

        await browser.EvaluateAsync("document.querySelector('.entry[data-event-id=\"unsc-2690\"] .entry-label').click()");
        await browser.WaitUntilAsync("!document.getElementById('details').hidden");
        Assert.True((await browser.EvaluateAsync("document.documentElement.scrollWidth"))!.GetValue<int>() <= 400);
        var bar = (await browser.EvaluateAsync("(() => { const r = document.querySelector('.entry[data-event-id=\"unsc-2690\"] .bar').getBoundingClientRect(); return r.left >= 0 && r.right <= 400 && r.width > 0; })()"))?.GetValue<bool>();
        Assert.True(bar);

        // Keyboard: Escape closes the details and gives focus back to the entry.
        await browser.EvaluateAsync("document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))");
        Assert.Equal(true, (await browser.EvaluateAsync("document.getElementById('details').hidden"))?.GetValue<bool>());
        Assert.Equal("unsc-2690", (await browser.EvaluateAsync("document.activeElement.dataset.eventId"))?.GetValue<string>());
    }
}
