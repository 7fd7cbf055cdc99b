using System.Net.ServerSentEvents;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Store.Contracts;

namespace Store.Compute.Jobs.Events;

/// <summary>
/// A Server-Sent Events response written by hand: <c>TypedResults.ServerSentEvents</c> cannot send comment lines,
/// and a stream that stays silent while a job runs is cut by proxies with idle timeouts. Each frame is either the
/// job's JSON (<c>event: job</c>, the same format as before) or, when null, a <c>: keep-alive</c> comment that
/// clients ignore.
/// </summary>
public sealed class JobEventStream(IAsyncEnumerable<string?> frames) : IResult, IEndpointMetadataProvider
{
    static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var ct = context.RequestAborted;
        try
        {
            await foreach (var data in frames.WithCancellation(ct))
            {
                var bytes = data is null ? KeepAlive : Encoding.UTF8.GetBytes($"event: job\ndata: {data}\n\n");
                await response.Body.WriteAsync(bytes, ct);
                await response.Body.FlushAsync(ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && ct.IsCancellationRequested)
        {
            // The client went away: nothing left to tell it.
        }
    }

    /// <summary>Declares the stream in OpenAPI as the built-in SSE result does (200, text/event-stream of jobs).</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SseItem<Job>), ["text/event-stream"]));
}

/// <summary>How often an unchanged job's stream says it is alive; 15 s stays under the usual 30-60 s proxy idle timeouts.</summary>
public sealed record JobEventsOptions(TimeSpan KeepAlive)
{
    public static readonly JobEventsOptions Default = new(TimeSpan.FromSeconds(15));
}
