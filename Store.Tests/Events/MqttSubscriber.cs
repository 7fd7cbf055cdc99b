using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace Store.Tests.Events;

/// <summary>A message as a subscriber got it; <see cref="Retained"/> is set for what the broker kept from before the subscription.</summary>
public sealed record Received(string Topic, string Payload, bool Retained)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement.Clone();
}

/// <summary>An MQTTnet client subscribed to some topics, handing their messages out in the order they came.</summary>
public sealed class MqttSubscriber : IAsyncDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly IMqttClient _client;
    readonly Channel<Received> _messages = Channel.CreateUnbounded<Received>();

    MqttSubscriber(IMqttClient client) => _client = client;

    public static async Task<MqttSubscriber> ConnectAsync(Mosquitto broker, params string[] topics)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var subscriber = new MqttSubscriber(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            subscriber._messages.Writer.TryWrite(new Received(message.Topic, Encoding.UTF8.GetString(message.Payload), message.Retain));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithCleanSession().Build(), Ct);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var topic in topics) subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        await client.SubscribeAsync(subscribe.Build(), Ct);
        return subscriber;
    }

    /// <summary>The next message that <paramref name="match"/> accepts; those before it are passed over. Fails after a generous deadline.</summary>
    public async Task<Received> NextAsync(Func<Received, bool> match, string waitingFor, int seconds = 30)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(deadline.Token);
                if (match(message)) return message;
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"no MQTT message came for {waitingFor} within {seconds} s");
            throw;
        }
    }

    public Task<Received> NextOnAsync(string topic, int seconds = 30) => NextAsync(m => m.Topic == topic, topic, seconds);

    public async ValueTask DisposeAsync()
    {
        try { await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None); }
        catch (Exception) { }
        _client.Dispose();
    }
}
