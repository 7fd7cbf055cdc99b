namespace Store.Events;

/// <summary>The topics and payloads the CL clients read (their MQTT monitors subscribe to exactly these).</summary>
public static class Topics
{
    public const string JobEvents = "inference/events";

    /// <summary>
    /// A worker id may hold characters a topic level cannot: '/' would split the level, '+' and '#' are wildcards
    /// that a publish may not carry. Those (and '%', to keep the mapping one-to-one) are percent-encoded.
    /// </summary>
    public static string Worker(string workerId) =>
        "inference/workers/" + workerId.Replace("%", "%25").Replace("/", "%2F").Replace("+", "%2B").Replace("#", "%23").Replace("\0", "%00");

    public static string Items(int port) => $"store/{port}/items";
}

/// <summary>On <c>inference/events</c>: <paramref name="EventType"/> is the job's status after the change, <paramref name="Timestamp"/> epoch ms.</summary>
public sealed record JobEvent(string JobId, string EventType, long Timestamp, int Progress);

/// <summary>Retained on <c>inference/workers/&lt;worker_id&gt;</c> while the worker counts.</summary>
public sealed record WorkerPresence(string WorkerId, IReadOnlyList<string> Capabilities, int IdleCount, long Timestamp);

/// <summary>On <c>store/&lt;port&gt;/items</c>: <paramref name="Md5"/> is the entity's <c>md5</c> field.</summary>
public sealed record ItemEvent(long Id, string Md5, long Timestamp);
