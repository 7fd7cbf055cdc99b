using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Store.Compute.Jobs.Events;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>An unchanged job's event stream is not silent, so proxies with idle timeouts do not cut it.</summary>
public sealed class JobEventsKeepAliveTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Task<StoreHost> StartAsync() => StoreHost.StartAsync(configure: b =>
        b.Services.AddSingleton(new JobEventsOptions(TimeSpan.FromMilliseconds(100))), server: Server.Kestrel);

    [Fact]
    public async Task An_unchanged_job_gets_keep_alive_comments_between_its_events()
    {
        await using var host = await StartAsync();
        var id = (await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("x")))).JobId();

        using var events = await host.Client.GetAsync($"/compute/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Ct));

        Assert.Equal("event: job", await reader.ReadLineAsync(Ct));
        var data = (await reader.ReadLineAsync(Ct))!;
        Assert.StartsWith("data: ", data);
        Assert.Equal(id, JsonDocument.Parse(data["data: ".Length..]).RootElement.Str("job_id"));
        Assert.Equal("", await reader.ReadLineAsync(Ct));

        // Nothing changes, yet the stream keeps talking: comment lines, each closed by a blank line.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(": keep-alive", await reader.ReadLineAsync(Ct));
            Assert.Equal("", await reader.ReadLineAsync(Ct));
        }
    }

    [Fact]
    public async Task Sse_clients_see_only_the_job_events_and_the_stream_still_ends_with_the_job()
    {
        await using var host = await StartAsync();
        var id = (await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("x")))).JobId();
        using var events = await host.Client.GetAsync($"/compute/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        var items = SseParser.Create(await events.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);

        Assert.True(await items.MoveNextAsync());
        Assert.Equal("pending", JsonDocument.Parse(items.Current.Data).RootElement.Str("status"));

        // Let some keep-alives pass; the parser must skip them and deliver the next real change.
        await Task.Delay(400, Ct);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("w1", ["t"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.FailAsync(id, "w1", "no")).StatusCode);

        var statuses = new List<string>();
        while (await items.MoveNextAsync())
        {
            Assert.Equal("job", items.Current.EventType);
            statuses.Add(JsonDocument.Parse(items.Current.Data).RootElement.Str("status")!);
        }
        Assert.Equal("failed", statuses[^1]);
        await items.DisposeAsync();
    }
}
