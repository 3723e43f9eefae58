using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Timeline.Storage.V1;
using Timeline.TimelineServer.Page;

namespace Timeline.TimelineServer.Tests;

/// <summary>
/// The page's overview reads a filter's whole result from storage, so how many such reads run at
/// once is bounded: callers cycling filters get 429 RESOURCE_EXHAUSTED past the bound, not one
/// whole-log read each; the counts already running finish, and a slot is free again afterwards.
/// Storage here is a call invoker that holds every ListEvents until the test lets it answer (this
/// tests the budget of the endpoint alone; the page against real services is in the integration tests).
/// </summary>
public sealed class PageOverviewBudgetTests
{
    [Fact]
    public async Task Past_the_running_counts_a_new_filter_is_refused_and_once_they_finish_it_is_counted()
    {
        var storage = new HeldStorage();
        var overview = new PageOverview();
        var client = new EventStoreService.EventStoreServiceClient(storage);

        var held = Enumerable.Range(0, PageOverview.MaxRunning).Select(i => AskAsync(overview, client, $"tag-{i}")).ToList();
        await storage.WaitForCallsAsync(PageOverview.MaxRunning);

        var refused = await AskAsync(overview, client, "one-too-many").WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Status);
        Assert.Contains("overview counts are already running", refused.Body, StringComparison.Ordinal);
        Assert.Equal(PageOverview.MaxRunning, storage.Calls);

        storage.Answer();
        foreach (var answer in await Task.WhenAll(held))
        {
            Assert.Equal(StatusCodes.Status200OK, answer.Status);
            Assert.Equal(1, JsonDocument.Parse(answer.Body).RootElement.GetProperty("total").GetInt32());
        }

        var later = await AskAsync(overview, client, "one-too-many");
        Assert.Equal(StatusCodes.Status200OK, later.Status);
    }

    [Fact]
    public async Task The_same_filter_asked_again_while_its_count_runs_waits_for_that_count_and_is_not_refused()
    {
        var storage = new HeldStorage();
        var overview = new PageOverview();
        var client = new EventStoreService.EventStoreServiceClient(storage);

        var first = AskAsync(overview, client, "tag-0");
        var second = AskAsync(overview, client, "tag-1");
        await storage.WaitForCallsAsync(2);
        var again = AskAsync(overview, client, "tag-0");

        storage.Answer();
        var answers = await Task.WhenAll(first, second, again);
        Assert.All(answers, a => Assert.Equal(StatusCodes.Status200OK, a.Status));
        Assert.Equal(2, storage.Calls);
    }

    private static async Task<(int Status, string Body)> AskAsync(PageOverview overview, EventStoreService.EventStoreServiceClient client, string tag)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?filter.tags=" + Uri.EscapeDataString(tag));
        var body = new MemoryStream();
        context.Response.Body = body;
        await overview.ServeAsync(context, client);
        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>Answers every ListEvents with one event in July 2020, once <see cref="Answer"/> is called.</summary>
    private sealed class HeldStorage : CallInvoker
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public void Answer() => release.TrySetResult();

        public async Task WaitForCallsAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Calls < count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Interlocked.Increment(ref calls);
            var response = AnswerAsync<TResponse>();
            return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        private async Task<TResponse> AnswerAsync<TResponse>()
        {
            await release.Task;
            var page = new ListEventsResponse();
            page.Events.Add(new Timeline.V1.EventRecord { Occurred = new Timeline.V1.FuzzyDate { Earliest = "2020-07-01", Latest = "2020-07-31" } });
            return (TResponse)(object)page;
        }
    }
}
