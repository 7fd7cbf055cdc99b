namespace Store.Events;

/// <summary>What the events module needs from the host; <see cref="ServicePort"/> names this store in its topics.</summary>
public sealed record EventOptions(string? MqttBroker, int MqttPort, int ServicePort, int WorkerTtlSeconds);
