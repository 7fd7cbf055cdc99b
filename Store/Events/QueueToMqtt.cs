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
    /// <summary>Workers the table counts as live, heard through any instance (<see cref="Track"/>); kept apart from what this one announced.</summary>
    readonly Dictionary<string, long> _liveAt = new(StringComparer.Ordinal);

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
            _liveAt.Remove(workerId);
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
    /// Notes a worker the table counts as live, heard through any instance, without announcing it: the instance that
    /// took its heartbeat did. So the instance leading the lapse watch knows every live worker when it falls silent.
    /// </summary>
    public void Track(WorkerBeat beat)
    {
        lock (_heardAt)
            if (!_liveAt.TryGetValue(beat.WorkerId, out var at) || at < beat.At) _liveAt[beat.WorkerId] = beat.At;
    }

    /// <summary>
    /// Clears every known worker that the table no longer counts as live (<paramref name="live"/>, read just before)
    /// and that no heartbeat reached since WORKER_TTL_SECONDS before <paramref name="now"/>: a heartbeat committed
    /// after that read is seen here, so a live worker is never cleared. A worker without a row any more
    /// (<paramref name="rows"/>) signed off, and the instance that took the sign-off cleared it; it is only forgotten.
    /// With <paramref name="publish"/> false (an instance that does not lead the lapse watch) nothing is sent: the
    /// worker is only forgotten here, so that a reconnect to the broker does not send its presence again.
    /// </summary>
    public void Lapse(IReadOnlySet<string> live, IReadOnlySet<string> rows, long now, bool publish)
    {
        lock (_heardAt)
        {
            foreach (var workerId in _heardAt.Keys.Union(_liveAt.Keys).ToList())
            {
                var at = Math.Max(_heardAt.GetValueOrDefault(workerId, long.MinValue), _liveAt.GetValueOrDefault(workerId, long.MinValue));
                if (live.Contains(workerId) || at > now - TtlMs) continue;
                _heardAt.Remove(workerId);
                _liveAt.Remove(workerId);
                if (publish && rows.Contains(workerId)) publisher.PublishRetained(Topics.Worker(workerId), null);
                else publisher.ForgetRetained(Topics.Worker(workerId));
            }
        }
    }
}
