using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Store.Observability;

/// <summary>
/// The service's counters and histograms (meter "Store"). Static, so the media pipeline and the
/// queue record with one line where a stage ends, without a dependency to carry; one process runs
/// one store. Recording costs next to nothing while nothing listens (METRICS_ENABLED off).
/// </summary>
public static class StoreMetrics
{
    public const string MeterName = "Store";

    static readonly double[] Seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    static readonly Meter Meter = new(MeterName);

    static readonly Histogram<double> RequestDuration = Meter.CreateHistogram("store.http.request.duration", "s",
        "HTTP requests by method, route and status, and how long they took", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
    static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>("store.upload.bytes", "By", "Bytes of uploaded file parts received");
    static readonly Histogram<double> StageDuration = Meter.CreateHistogram("store.upload.stage.duration", "s",
        "Upload processing by stage: receive, inspect, hash, store", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
    static readonly Histogram<double> ToolDuration = Meter.CreateHistogram("store.tool.duration", "s",
        "Calls of ExifTool and ffprobe", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
    static readonly Counter<long> ToolFailures = Meter.CreateCounter<long>("store.tool.failures", null, "ExifTool and ffprobe calls that failed, hung or could not start");
    static readonly Counter<long> LeaseExpiries = Meter.CreateCounter<long>("store.jobs.lease.expiries", null, "Held jobs whose worker went silent past the lease");

    public static void Request(string method, string route, int status, TimeSpan elapsed) =>
        RequestDuration.Record(elapsed.TotalSeconds, new("method", method), new("route", route), new("status", status));

    public static void Uploaded(long bytes) => UploadedBytes.Add(bytes);

    public static void LeaseExpired(int jobs) { if (jobs > 0) LeaseExpiries.Add(jobs); }

    /// <summary><c>using var _ = StoreMetrics.Stage("inspect");</c> times the rest of the block.</summary>
    public static Timed Stage(string stage) => new(StageDuration, new("stage", stage));

    /// <summary>A call of an external tool: a call disposed before <see cref="ToolCall.Ok"/> counts as failed.</summary>
    public static ToolCall Tool(string tool) => new(tool);

    public readonly struct Timed(Histogram<double> histogram, KeyValuePair<string, object?> tag) : IDisposable
    {
        readonly long _started = Stopwatch.GetTimestamp();
        public void Dispose() => histogram.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tag);
    }

    public sealed class ToolCall(string tool) : IDisposable
    {
        readonly long _started = Stopwatch.GetTimestamp();
        bool _ok, _done;

        public void Ok() => _ok = true;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            ToolDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>("tool", tool));
            if (!_ok) ToolFailures.Add(1, new KeyValuePair<string, object?>("tool", tool));
        }
    }
}
