using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Store.Auth;

namespace Store.Observability;

/// <summary>
/// One line per request once it is answered: method, path (secret query values masked), status,
/// duration and the caller's sub. A 5xx is an error line with the exception that caused it. The
/// same measurement feeds the request metrics. Headers are never logged: they carry the tokens.
/// </summary>
public sealed partial class RequestLog(RequestDelegate next, ILoggerFactory logs)
{
    readonly ILogger log = logs.CreateLogger("Store.Requests");

    static readonly object ExceptionKey = new();

    /// <summary>Query keys whose values are never written: a token or key may be sent as a query parameter.</summary>
    static readonly string[] SecretWords = ["token", "key", "secret", "pass", "auth", "sig", "jwt", "credential", "session", "code"];

    /// <summary>For an error that a handler below turned into an answer itself (a 503 of a media tool), so its line can carry it.</summary>
    public static void Remember(HttpContext context, Exception exception) => context.Items[ExceptionKey] = exception;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        Exception? escaped = null;
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            escaped = e;
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            // An exception that escapes every handler ends as a 500 from the server itself.
            var status = escaped is null || context.Response.HasStarted ? context.Response.StatusCode : 500;
            var handled = context.Features.Get<IExceptionHandlerFeature>();
            var route = (context.GetEndpoint() ?? handled?.Endpoint) is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText ?? "" : "unmatched";
            StoreMetrics.Request(context.Request.Method, route, status, elapsed);
            Write(context, status, elapsed, escaped ?? handled?.Error ?? context.Items[ExceptionKey] as Exception);
        }
    }

    void Write(HttpContext context, int status, TimeSpan elapsed, Exception? exception)
    {
        // A 503 is the service saying "not now" (not ready, a media tool restarting): worth a warning, not an alarm.
        var level = status == 503 ? LogLevel.Warning : status >= 500 ? LogLevel.Error : LogLevel.Information;
        if (!log.IsEnabled(level)) return;
        var sub = context.CallerId() ?? "-";
        Line(log, level, status >= 500 ? exception : null, context.Request.Method, SafePath(context.Request), status, Math.Round(elapsed.TotalMilliseconds, 1), sub);
    }

    /// <summary>
    /// The line, source-generated: its values travel to the formatter in a struct instead of an array of boxes, and
    /// the template is not parsed at run time. The text and the JSON fields are those of the template.
    /// </summary>
    [LoggerMessage(EventId = 0, Message = "{Method} {Path} {Status} {DurationMs} ms sub={Sub}")]
    static partial void Line(ILogger logger, LogLevel level, Exception? exception, string method, string path, int status, double durationMs, string sub);

    public static string SafePath(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        if (!request.QueryString.HasValue) return path;
        var raw = request.QueryString.Value!;
        if (raw.Length == 1) return path;
        // Most queries name no secret: written as they came, and rebuilt only when a value is to be masked.
        if (!HasSecret(raw)) return path + raw;
        var query = new StringBuilder();
        foreach (var pair in raw.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            query.Append(query.Length == 0 ? '?' : '&').Append(key);
            if (equals < 0) continue;
            query.Append('=').Append(IsSecret(key) ? "***" : pair[(equals + 1)..]);
        }
        return path + query;
    }

    static bool HasSecret(string query)
    {
        var pairs = query.AsSpan().TrimStart('?');
        foreach (var range in pairs.Split('&'))
        {
            var pair = pairs[range];
            var equals = pair.IndexOf('=');
            if (equals >= 0 && IsSecret(pair[..equals])) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a key, unescaped and folded with the invariant lower case, holds a secret word. A plain ASCII key is
    /// compared as it stands (its unescaping and folding change nothing the words could match); an escaped or non-ASCII
    /// one is unescaped and folded (the Kelvin sign folds to k).
    /// </summary>
    static bool IsSecret(ReadOnlySpan<char> key)
    {
        if (key.Contains('%') || !Ascii.IsValid(key))
        {
            var lower = Uri.UnescapeDataString(key.ToString()).ToLowerInvariant();
            return SecretWords.Any(lower.Contains);
        }
        foreach (var word in SecretWords)
            if (key.Contains(word, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
