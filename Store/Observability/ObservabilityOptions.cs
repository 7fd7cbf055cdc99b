namespace Store.Observability;

/// <summary>
/// What the observability module needs from the host: the least severe log line written (LOG_LEVEL), one JSON object a
/// line or plain text (LOG_FORMAT), and whether GET /metrics answers (METRICS_ENABLED). The start-up lines report
/// the other modules from their own options.
/// </summary>
public sealed record ObservabilityOptions(LogLevel LogLevel, bool LogJson, bool MetricsEnabled);
