using System.Net;
using System.Text;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// The page's form (docs/PAGE.md, <i>Adding and correcting</i>) in headless Chromium against both
/// services for real, without tokens (loopback): an event added through it appears live; the date
/// is read back before anything is stored; a refusal is shown beside the field it names and stores
/// nothing; a correction is the event's next revision in its history; a request from another
/// origin stores nothing.
/// </summary>
public sealed class PageFormChromiumTests : IAsyncLifetime
{
    private PageSystem system = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        system = await PageSystem.StartAsync();
        await system.AppendAsync(MaliReport.Events());
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private async Task OpenEditorAsync()
    {
        await system.OpenAsync();
        var browser = system.Browser;
        await browser.WaitUntilAsync("document.getElementById('connection').dataset.connection === 'live' && document.body.dataset.canWrite === 'true'");
        Assert.False((await browser.EvaluateAsync("document.getElementById('add-event').hidden"))!.GetValue<bool>());
        await browser.EvaluateAsync("document.getElementById('add-event').click()");
        await browser.WaitUntilAsync("!document.getElementById('editor').hidden");
    }

    /// <summary>Types into the form's fields as a person would (each fires its input event).</summary>
    private async Task FillAsync(params (string Field, string Value)[] values)
    {
        foreach (var (field, value) in values)
        {
            await system.Browser.EvaluateAsync(
                $"(() => {{ const i = document.getElementById('write-form').elements[{Js(field)}]; i.value = {Js(value)}; i.dispatchEvent(new Event('input', {{ bubbles: true }})); }})()");
        }
    }

    private Task SubmitAsync() => system.Browser.EvaluateAsync("document.getElementById('write-form').requestSubmit()");

    private static string Js(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private async Task<int> StoredAsync()
    {
        var listed = await system.Storage.ListEventsAsync(new ListEventsRequest { PageSize = 1000 }, cancellationToken: Ct);
        return listed.Events.Count;
    }

    [Fact]
    public async Task An_event_added_through_the_form_is_read_back_first_then_stored_and_appears_live()
    {
        await OpenEditorAsync();
        var browser = system.Browser;
        await FillAsync(("title", "Army convoy reaches Anefis"), ("reference", MaliReport.Reference), ("when", "late August 2023"), ("tags", "Mali, MINUSMA"), ("country", "MLI"));

        // The date as the domain reads it, before anything is stored.
        await browser.WaitUntilAsync("document.getElementById('date-readback').textContent.includes('2023-08-21 .. 2023-08-31')");
        Assert.StartsWith("late August 2023 = 2023-08-21 .. 2023-08-31", (await browser.EvaluateAsync("document.getElementById('date-readback').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(9, await StoredAsync());

        await SubmitAsync();
        await browser.WaitUntilAsync("document.body.dataset.lastStored && document.body.dataset.lastStored.endsWith('@1')");
        var id = (await browser.EvaluateAsync("document.body.dataset.lastStored.split('@')[0]"))!.GetValue<string>();
        await browser.WaitUntilAsync($"document.querySelector('#entries .entry[data-event-id=\"{id}\"]')");
        Assert.Equal("Army convoy reaches Anefis", (await browser.EvaluateAsync($"document.querySelector('.entry[data-event-id=\"{id}\"] .entry-title').textContent"))?.GetValue<string>());

        var stored = (await system.Storage.GetEventAsync(new GetEventRequest { EventId = id }, cancellationToken: Ct)).Event;
        Assert.Equal(("2023-08-21", "2023-08-31", "late August 2023"), (stored.Occurred.Earliest, stored.Occurred.Latest, stored.Occurred.Text));
        Assert.Equal(["mali", "minusma"], stored.Tags);
        Assert.Equal("anonymous", stored.RecordedBy);
        Assert.Equal(10, await StoredAsync());
        Assert.Empty(browser.PageErrors());
    }

    [Fact]
    public async Task A_date_the_reader_refuses_is_shown_beside_the_date_field_and_nothing_is_stored()
    {
        await OpenEditorAsync();
        var browser = system.Browser;
        await FillAsync(("title", "Something happened"), ("reference", MaliReport.Reference), ("when", "the twelfth of never"));
        await SubmitAsync();

        await browser.WaitUntilAsync("!document.getElementById('error-when').hidden");
        var error = (await browser.EvaluateAsync("document.getElementById('error-when').textContent"))!.GetValue<string>();
        Assert.Contains("twelfth of never", error, StringComparison.Ordinal);
        Assert.Equal("true", (await browser.EvaluateAsync("document.getElementById('write-form').elements.when.getAttribute('aria-invalid')"))?.GetValue<string>());
        Assert.Equal("", (await browser.EvaluateAsync("document.getElementById('date-readback').textContent"))?.GetValue<string>());

        // Pressed again, it is still refused and still nothing is stored.
        await SubmitAsync();
        await Task.Delay(500, Ct);
        Assert.Null(await browser.EvaluateAsync("document.body.dataset.lastStored"));
        Assert.Equal(9, await StoredAsync());
    }

    [Fact]
    public async Task What_storage_refuses_is_shown_beside_each_field_it_names_and_nothing_is_stored()
    {
        await OpenEditorAsync();
        var browser = system.Browser;
        await FillAsync(("title", "A report with a bad link"), ("reference", MaliReport.Reference), ("when", "2023-10-01"), ("sourceUrl", "javascript:alert(1)"), ("country", "Narnia"));
        await browser.WaitUntilAsync("document.getElementById('date-readback').textContent.includes('2023-10-01')");

        await SubmitAsync();

        await browser.WaitUntilAsync("!document.getElementById('error-sourceUrl').hidden && !document.getElementById('error-country').hidden");
        Assert.Contains("http", (await browser.EvaluateAsync("document.getElementById('error-sourceUrl').textContent"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True((await browser.EvaluateAsync("document.getElementById('error-title').hidden"))!.GetValue<bool>());
        Assert.True((await browser.EvaluateAsync("document.getElementById('write-problem').hidden"))!.GetValue<bool>());
        Assert.Null(await browser.EvaluateAsync("document.body.dataset.lastStored"));
        Assert.Equal(9, await StoredAsync());
    }

    [Fact]
    public async Task A_correction_through_the_form_is_the_events_revision_2_in_its_history()
    {
        await system.OpenAsync("?sel=unsc-2690");
        var browser = system.Browser;
        await browser.WaitUntilAsync("document.body.dataset.canWrite === 'true' && document.getElementById('correct')");
        await browser.EvaluateAsync("document.getElementById('correct').click()");
        await browser.WaitUntilAsync("!document.getElementById('editor').hidden && document.getElementById('date-readback').textContent.includes('2023-06-30')");
        Assert.Contains("revision 1", (await browser.EvaluateAsync("document.getElementById('editor-title').textContent"))!.GetValue<string>(), StringComparison.Ordinal);

        await FillAsync(("title", "UN Security Council ends MINUSMA's mandate (resolution 2690, adopted unanimously)"));
        await SubmitAsync();

        await browser.WaitUntilAsync("document.body.dataset.lastStored === 'unsc-2690@2'");
        var history = await system.Storage.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "unsc-2690" }, cancellationToken: Ct);
        Assert.Equal([1L, 2L], history.Revisions.Select(r => r.Revision));
        Assert.Equal("UN Security Council ends MINUSMA's mandate (resolution 2690, adopted unanimously)", history.Revisions[1].Title);
        // What the form does not show is kept: the deadline it set, and its date as written.
        Assert.Equal(MaliReport.Deadline, history.Revisions[1].Deadline.DeadlineId);
        Assert.Equal("2023-12-31", history.Revisions[1].Deadline.Due.Latest);
        Assert.Equal("2023-06-30", history.Revisions[1].Occurred.Edtf);
        await browser.WaitUntilAsync("document.querySelector('.entry[data-event-id=\"unsc-2690\"]') && document.querySelector('.entry[data-event-id=\"unsc-2690\"]').dataset.revision === '2'");
        Assert.Equal(1, await system.RowsAsync("unsc-2690"));
    }

    [Theory]
    [InlineData("http://evil.example", "Origin")]
    [InlineData(null, "Origin")]
    public async Task A_request_from_another_origin_or_none_stores_nothing(string? origin, string field)
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/page/events")
        {
            Content = new StringContent("""{"title":"Forged","occurred":{"edtf":"2023-10-01"}}""", Encoding.UTF8, "application/json"),
        };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.StartsWith(field + ":", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(9, await StoredAsync());
    }

    [Fact]
    public async Task The_same_origin_stores_and_a_date_endpoint_reads_back_without_storing()
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = PageSystem.Timeout };
        var read = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/page/date?text=late%20August%202023&reference=2023-10-16", Ct)).RootElement;
        Assert.Equal(("2023-08-21", "2023-08-31"), (read.GetProperty("earliest").GetString(), read.GetProperty("latest").GetString()));
        using var refused = await http.GetAsync("/page/date?text=late%20August", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("occurred.reference:", System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(9, await StoredAsync());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/page/events")
        {
            Content = new StringContent("""{"eventId":"same-origin","title":"From the page","occurred":{"edtf":"2023-10-01"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", $"http://{system.PageAddress.Authority}");
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("revision").GetString());
        Assert.Equal(10, await StoredAsync());
    }
}
