using Store.Compute.Queue;
using Store.Contracts;

namespace Store.Events;

/// <summary>
/// Turns the queue's changes into MQTT: each job change becomes an <c>inference/events</c> message, each heartbeat
/// the worker's retained presence, a sign-off or a lapse an empty retained message. Remembers which workers it
/// announced and when it last heard each, so <see cref="WorkerLapseWatch"/> can clear the ones that fall silent.
/// </summary>
public sealed class QueueToMqtt(MqttPublisher publisher, EventOptions options) : IQueueListener
{
    readonly Dictionary<string, long> _heardAt = new(StringComparer.Ordinal);

    long TtlMs => options.WorkerTtlSeconds * 1000L;

    public void JobChanged(Job job) =>
        publisher.Publish(Topics.JobEvents, new JobEvent(job.JobId, job.Status, job.UpdatedAt, job.Progress));

    public void WorkerHeard(WorkerBeat beat)
    {
        lock (_heardAt)
        {
            // At start the table's rows are announced too; a heartbeat that came in meanwhile is newer and stays.
            if (_heardAt.TryGetValue(beat.WorkerId, out var at) && at > beat.At) return;
            _heardAt[beat.WorkerId] = beat.At;
            publisher.PublishRetained(Topics.Worker(beat.WorkerId),
                new WorkerPresence(beat.WorkerId, beat.Capabilities, beat.IdleCount, beat.At));
        }
    }

    public void WorkerLeft(string workerId)
    {
        lock (_heardAt)
        {
            _heardAt.Remove(workerId);
            publisher.PublishRetained(Topics.Worker(workerId), null);
        }
    }

    /// <summary>Clears a worker known only from the table, silent since before this start; an announced one is left to <see cref="Lapse"/>.</summary>
    public void ClearUnheard(string workerId)
    {
        lock (_heardAt)
            if (!_heardAt.ContainsKey(workerId)) publisher.PublishRetained(Topics.Worker(workerId), null);
    }

    /// <summary>
    /// Clears every announced worker that the table no longer counts as live (<paramref name="live"/>, read just
    /// before) and that no heartbeat reached since WORKER_TTL_SECONDS before <paramref name="now"/>: a heartbeat
    /// committed after that read is seen here, so a live worker is never cleared.
    /// </summary>
    public void Lapse(IReadOnlySet<string> live, long now)
    {
        lock (_heardAt)
        {
            foreach (var (workerId, at) in _heardAt.ToList())
            {
                if (live.Contains(workerId) || at > now - TtlMs) continue;
                _heardAt.Remove(workerId);
                publisher.PublishRetained(Topics.Worker(workerId), null);
            }
        }
    }
}
