using System.Net;
using System.Net.Sockets;

namespace Store.Tests.Infrastructure;

/// <summary>
/// A plain TCP relay between a store and the run's s3rver, on a loopback port of its own: point a store's S3 endpoint
/// at <see cref="Endpoint"/> and every byte it exchanges with the bucket passes here. It counts what the bucket sends
/// back (what a download really fetched, not what the store read of it), and can stall uploads: while
/// <see cref="StallAfter"/> is held, a connection that has sent that many bytes towards the bucket since the hold
/// began stops forwarding until <see cref="Release"/>, as a slow link would, mid-body.
/// </summary>
public sealed class BucketRelay : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Uri _target;
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _connections = [];
    long _fromBucket;
    long _toBucket;
    volatile TaskCompletionSource? _released;
    long _stallAfter = long.MaxValue;
    readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    BucketRelay(Uri target) => _target = target;

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Bytes the bucket has sent back through the relay so far (headers and bodies).</summary>
    public long FromBucket => Interlocked.Read(ref _fromBucket);

    public long ToBucket => Interlocked.Read(ref _toBucket);

    /// <summary>Completes when the first connection stalls under <see cref="StallAfter"/>.</summary>
    public Task Stalled => _stalled.Task;

    public static BucketRelay Start(string endpoint)
    {
        var relay = new BucketRelay(new Uri(endpoint));
        relay._listener.Start();
        relay._connections.Add(relay.AcceptAsync());
        return relay;
    }

    /// <summary>From now on, a connection stalls once it has sent <paramref name="bytes"/> more towards the bucket.</summary>
    public void StallAfter(long bytes)
    {
        _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _stallAfter, bytes);
    }

    public void Release()
    {
        Interlocked.Exchange(ref _stallAfter, long.MaxValue);
        _released?.TrySetResult();
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            lock (_connections) _connections.Add(RelayAsync(client));
        }
    }

    async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_target.Host, _target.Port, _stop.Token);
                var toBucket = CopyAsync(client.GetStream(), upstream.GetStream(), towardsBucket: true);
                var fromBucket = CopyAsync(upstream.GetStream(), client.GetStream(), towardsBucket: false);
                await Task.WhenAll(toBucket, fromBucket);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
        }
    }

    async Task CopyAsync(NetworkStream from, NetworkStream to, bool towardsBucket)
    {
        var buffer = new byte[16 * 1024];
        long sentSinceHold = 0;
        var hold = _released;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                if (towardsBucket)
                {
                    if (!ReferenceEquals(hold, _released)) (hold, sentSinceHold) = (_released, 0);
                    sentSinceHold += read;
                    if (sentSinceHold > Interlocked.Read(ref _stallAfter) && hold is not null)
                    {
                        _stalled.TrySetResult();
                        await hold.Task.WaitAsync(_stop.Token);
                    }
                    Interlocked.Add(ref _toBucket, read);
                }
                else Interlocked.Add(ref _fromBucket, read);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            // One side closed: close the other, so the peer sees the end too.
            try { to.Socket.Shutdown(SocketShutdown.Send); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Dispose();
        Task[] running;
        lock (_connections) running = [.. _connections];
        await Task.WhenAll(running);
        _stop.Dispose();
    }
}
