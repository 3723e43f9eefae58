using System.Text.Json;
using System.Threading.Channels;
using Timeline.IntegrationTests.Timeline;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// The live feed's deadline statuses, read as a browser reads them (server-sent events over HTTP):
/// every open page follows the one watch the replica shares between its pages (docs/PAGE.md), so
/// each gets each change once, and a page that connects later gets every deadline's status as it
/// now is, each once, before the caught-up marker.
/// </summary>
public sealed partial class LivePageChromiumTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_open_page_gets_each_status_change_once_and_a_page_that_connects_later_gets_the_statuses_as_they_now_are()
    {
        using var http = new HttpClient { BaseAddress = system.PageAddress, Timeout = Timeout.InfiniteTimeSpan };
        var pages = new List<Feed>();
        for (var i = 0; i < 3; i++)
        {
            pages.Add(await Feed.OpenAsync(http));
        }

        foreach (var page in pages)
        {
            var first = await page.UntilAsync("deadlines-caught-up");
            Assert.Equal("DEADLINE_STATE_AT_RISK", State(first, "minusma-withdrawal"));
            AssertEachDeadlineOnce(first);
        }

        await system.AppendAsync(MaliReport.Met("2023-10-16"));

        foreach (var page in pages)
        {
            var change = await page.NextAsync("deadline", data => StatusOf(data).GetProperty("deadlineId").GetString() == "minusma-withdrawal");
            Assert.Equal("DEADLINE_STATE_MET", StatusOf(change).GetProperty("state").GetString());
        }

        // A page that connects now: the new status, not the one the others were first sent.
        var later = await Feed.OpenAsync(http);
        pages.Add(later);
        var statuses = await later.UntilAsync("deadlines-caught-up");
        Assert.Equal("DEADLINE_STATE_MET", State(statuses, "minusma-withdrawal"));
        AssertEachDeadlineOnce(statuses);

        // Nothing changed since: no page is sent that status again.
        await system.AppendAsync(MaliReport.Dated("after-met", "2023-10-20", "An entry that changes no deadline"));
        foreach (var page in pages)
        {
            var since = await page.UntilAsync("entry", data => data.Contains("\"after-met\"", StringComparison.Ordinal));
            Assert.DoesNotContain(since, m => m.Type == "deadline" && StatusOf(m.Data).GetProperty("deadlineId").GetString() == "minusma-withdrawal");
        }

        foreach (var page in pages)
        {
            page.Dispose();
        }
    }

    private static JsonElement StatusOf(string data) => JsonDocument.Parse(data).RootElement.GetProperty("status");

    private static string? State(IReadOnlyList<(string Type, string Data)> messages, string deadlineId) =>
        messages.Where(m => m.Type == "deadline").Select(m => StatusOf(m.Data))
            .Where(s => s.GetProperty("deadlineId").GetString() == deadlineId)
            .Select(s => s.GetProperty("state").GetString()).SingleOrDefault();

    private static void AssertEachDeadlineOnce(IReadOnlyList<(string Type, string Data)> messages)
    {
        var ids = messages.Where(m => m.Type == "deadline").Select(m => StatusOf(m.Data).GetProperty("deadlineId").GetString()).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>One open <c>/page/live</c>, its events read into a queue as they arrive.</summary>
    private sealed class Feed : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Channel<(string Type, string Data)> messages = Channel.CreateUnbounded<(string, string)>();
        private HttpResponseMessage response = null!;

        public static async Task<Feed> OpenAsync(HttpClient http)
        {
            var feed = new Feed();
            feed.response = await http.GetAsync("/page/live", HttpCompletionOption.ResponseHeadersRead, Ct);
            feed.response.EnsureSuccessStatusCode();
            _ = feed.ReadAsync(await feed.response.Content.ReadAsStreamAsync(Ct));
            return feed;
        }

        /// <summary>Every message up to and including the first <paramref name="type"/> (that matches).</summary>
        public async Task<List<(string Type, string Data)>> UntilAsync(string type, Func<string, bool>? match = null)
        {
            var seen = new List<(string Type, string Data)>();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(PageSystem.Timeout);
            while (true)
            {
                var message = await messages.Reader.ReadAsync(timeout.Token);
                seen.Add(message);
                if (message.Type == type && (match is null || match(message.Data)))
                {
                    return seen;
                }
            }
        }

        public async Task<string> NextAsync(string type, Func<string, bool> match) => (await UntilAsync(type, match))[^1].Data;

        private async Task ReadAsync(Stream body)
        {
            try
            {
                using var reader = new StreamReader(body);
                var type = "";
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not ("progress" or "checkpoint"))
                    {
                        messages.Writer.TryWrite((type, line[6..]));
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
            {
            }

            messages.Writer.TryComplete();
        }

        public void Dispose()
        {
            stop.Cancel();
            response.Dispose();
            stop.Dispose();
        }
    }
}
