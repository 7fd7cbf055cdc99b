using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace Store.Events;

/// <summary>One message waiting to go out; an empty retained payload clears its topic at the broker.</summary>
public sealed record OutgoingMessage(string Topic, byte[] Payload, bool Retain);

/// <summary>
/// The one connection to MQTT_BROKER. Publishing only queues (bounded, the oldest dropped first), so a request never
/// waits on the broker or fails with it; this service sends the queue in order, QoS 1, reconnecting with backoff
/// while the broker is down. It remembers the last retained message of each topic and sends them all again after
/// every (re)connect, as a broker restarted without persistence has forgotten them.
/// </summary>
public sealed class MqttPublisher : BackgroundService
{
    public const int Capacity = 10_000;
    static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    // Long enough for the last messages (a worker's sign-off) on a busy machine; only a stop with messages still queued waits.
    static readonly TimeSpan FlushAtStop = TimeSpan.FromSeconds(5);
    /// <summary>A message that breaks the connection this often is dropped, so one bad message cannot stop the rest.</summary>
    const int MaxAttempts = 3;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    readonly EventOptions _options;
    readonly ILogger<MqttPublisher> _log;
    readonly Channel<OutgoingMessage> _queue;
    /// <summary>The latest retained message per topic; a clear stays here until the broker has taken it.</summary>
    readonly Dictionary<string, OutgoingMessage> _retained = new(StringComparer.Ordinal);
    long _dropped;
    TaskCompletionSource _lost = new();

    public MqttPublisher(EventOptions options, ILogger<MqttPublisher> log)
    {
        _options = options;
        _log = log;
        _queue = Channel.CreateBounded<OutgoingMessage>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest }, _ => Dropped());
    }

    string Broker => $"{_options.MqttBroker}:{_options.MqttPort}";

    public void Publish(string topic, object payload) =>
        _queue.Writer.TryWrite(new OutgoingMessage(topic, JsonSerializer.SerializeToUtf8Bytes(payload, Json), Retain: false));

    /// <summary>Sets the retained message of <paramref name="topic"/>; null clears it.</summary>
    public void PublishRetained(string topic, object? payload)
    {
        var message = new OutgoingMessage(topic, payload is null ? [] : JsonSerializer.SerializeToUtf8Bytes(payload, Json), Retain: true);
        // One lock for both, so the remembered state and the queue's order agree.
        lock (_retained)
        {
            _retained[topic] = message;
            _queue.Writer.TryWrite(message);
        }
    }

    /// <summary>
    /// Forgets the retained message of <paramref name="topic"/> without sending anything: another instance owns the
    /// topic's state now, and a reconnect must not send this one's old message again. One still queued goes out.
    /// </summary>
    public void ForgetRetained(string topic)
    {
        lock (_retained)
            if (_retained.TryGetValue(topic, out var latest) && latest.Payload.Length > 0) _retained.Remove(topic);
    }

    void Dropped()
    {
        if (Interlocked.Increment(ref _dropped) == 1)
            _log.LogWarning("MQTT queue is full ({Capacity} messages): dropping the oldest until {Broker} takes them again", Capacity, Broker);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        client.DisconnectedAsync += _ =>
        {
            Volatile.Read(ref _lost).TrySetResult();
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.MqttBroker, _options.MqttPort)
            .WithClientId($"store-{_options.ServicePort}-{Guid.NewGuid():N}")
            .WithCleanSession()
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(10))
            .Build();

        var retry = FirstRetry;
        var down = false;
        OutgoingMessage? pending = null;
        var attempts = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                Volatile.Write(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                await client.ConnectAsync(options, stop);
                retry = FirstRetry;
                if (down) _log.LogWarning("MQTT broker {Broker} is reachable again: publishing resumes", Broker);
                down = false;
                if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
                    _log.LogWarning("{Count} MQTT messages were dropped while {Broker} was unreachable", dropped, Broker);

                // The replay below sends the latest state of every retained topic, a held retained message included.
                if (pending is { Retain: true }) pending = null;
                foreach (var message in RetainedNow()) await SendAsync(client, message, stop);
                while (true)
                {
                    if (pending is null)
                    {
                        pending = await NextAsync(stop);
                        attempts = 0;
                    }
                    attempts++;
                    await SendAsync(client, pending, stop);
                    pending = null;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                if (!down) _log.LogWarning("MQTT broker {Broker} is unreachable ({Error}): events wait in memory (at most {Capacity}) until it is back",
                    Broker, e.Message, Capacity);
                down = true;
                if (pending is not null && attempts >= MaxAttempts)
                {
                    _log.LogWarning("Dropped an MQTT message to {Topic}: sending it failed {Attempts} times", pending.Topic, attempts);
                    pending = null;
                }
                // A publish that timed out leaves the client connected; start again from a fresh connection.
                if (client.IsConnected) await client.TryDisconnectAsync();
            }
            try { await Task.Delay(retry, stop); }
            catch (OperationCanceledException) { break; }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
        await FlushAsync(client, options, pending);
    }

    /// <summary>The next queued message; throws when the connection drops first, so the loop reconnects at once.</summary>
    async Task<OutgoingMessage> NextAsync(CancellationToken stop)
    {
        var lost = Volatile.Read(ref _lost).Task;
        while (true)
        {
            if (_queue.Reader.TryRead(out var message)) return message;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var ready = _queue.Reader.WaitToReadAsync(wait.Token).AsTask();
            if (await Task.WhenAny(ready, lost) == lost)
            {
                await wait.CancelAsync();
                throw new IOException("connection lost");
            }
            await ready;
        }
    }

    async Task SendAsync(IMqttClient client, OutgoingMessage message, CancellationToken ct)
    {
        var mqtt = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithRetainFlag(message.Retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(mqtt, ct);
        // A refusal (not authorised, topic not allowed) will not change on a retry: say so and go on.
        if (!result.IsSuccess)
            _log.LogWarning("MQTT broker {Broker} refused a message to {Topic}: {Reason}", Broker, message.Topic, result.ReasonCode);
        if (message is { Retain: true, Payload.Length: 0 })
            lock (_retained)
                if (_retained.TryGetValue(message.Topic, out var latest) && ReferenceEquals(latest, message))
                    _retained.Remove(message.Topic);
    }

    List<OutgoingMessage> RetainedNow()
    {
        lock (_retained) return _retained.Values.ToList();
    }

    /// <summary>At shutdown, what is still queued (the built-in worker's sign-off, last job events) gets a short chance to go out.</summary>
    async Task FlushAsync(IMqttClient client, MqttClientOptions options, OutgoingMessage? pending)
    {
        using var deadline = new CancellationTokenSource(FlushAtStop);
        try
        {
            // A stop that finds the connection down (a busy machine's keep-alive lapsed, a reconnect waiting out its
            // back-off) tries once more within the deadline: the last messages are a worker's sign-off.
            if (!client.IsConnected)
            {
                if (pending is null && !_queue.Reader.TryPeek(out _)) return;
                await client.ConnectAsync(options, deadline.Token);
            }
            if (pending is not null) await SendAsync(client, pending, deadline.Token);
            while (_queue.Reader.TryRead(out var message)) await SendAsync(client, message, deadline.Token);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), deadline.Token);
        }
        catch (Exception e)
        {
            _log.LogWarning("MQTT messages left unsent at shutdown: {Error}", e.Message);
        }
    }
}
