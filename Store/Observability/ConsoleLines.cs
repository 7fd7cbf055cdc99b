using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Store.Observability;

/// <summary>
/// The log on stdout exactly as the console logger writes it (each entry formatted by its own formatter, simple or
/// JSON, with its options), without what the console logger costs per line: it hands every line to its own thread
/// through a locked queue, wakes that thread when the queue was empty (under a steady load, for nearly every line),
/// and that thread writes the line with a write(2) of its own. Here the thread that logs formats the line and
/// appends it to a buffer; one background loop writes what has gathered in one write, then waits
/// <see cref="Gather"/> before the next, so under load it wakes a hundred times a second whatever the rate, and a
/// line logged while it sleeps is on stdout within that time. The buffer is written out when the host disposes its
/// loggers (after "Store stopped") and at process exit.
/// </summary>
[ProviderAlias("Console")]
public sealed class ConsoleLines : ILoggerProvider, ISupportExternalScope
{
    static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);

    [ThreadStatic] static StringWriter? t_line;

    /// <summary>One for the process, like Console.Out (each app built in a test process has its own provider).</summary>
    static readonly Stream Stdout = Console.OpenStandardOutput();
    static readonly object WriteGate = new();

    readonly ConsoleFormatter _formatter;
    readonly Encoder _encoder = Console.OutputEncoding.GetEncoder();
    readonly object _gate = new();
    readonly Thread _loop;
    StringBuilder _pending = new();
    StringBuilder _writing = new();
    byte[] _bytes = new byte[16 * 1024];
    bool _waiting, _stopping;
    IExternalScopeProvider? _scopes;

    public ConsoleLines(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
    {
        var name = options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
        _formatter = formatters.FirstOrDefault(f => f.Name == name) ?? formatters.First(f => f.Name == ConsoleFormatterNames.Simple);
        _loop = new Thread(Run) { IsBackground = true, Name = "Store log lines" };
        _loop.Start();
        AppDomain.CurrentDomain.ProcessExit += OnExit;
    }

    /// <summary>Takes the console logger's place among the providers; its formatters and their options stay as configured.</summary>
    public static void ReplaceConsoleLogger(ILoggingBuilder logging)
    {
        foreach (var console in logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
            logging.Services.Remove(console);
        logging.Services.AddSingleton<ILoggerProvider, ConsoleLines>();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    void Append<TState>(in LogEntry<TState> entry)
    {
        var line = t_line ??= new StringWriter();
        var text = line.GetStringBuilder();
        try
        {
            _formatter.Write(in entry, _scopes, line);
            if (text.Length == 0) return;
            lock (_gate)
            {
                if (_stopping) WriteOut(text);
                else
                {
                    _pending.Append(text);
                    if (_waiting) Monitor.Pulse(_gate);
                }
            }
        }
        finally
        {
            text.Clear();
            if (text.Capacity > 1024) text.Capacity = 1024;
        }
    }

    void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_pending.Length == 0 && !_stopping)
                {
                    _waiting = true;
                    Monitor.Wait(_gate);
                    _waiting = false;
                }
                if (_pending.Length == 0) return;
                (_pending, _writing) = (_writing, _pending);
            }
            WriteOut(_writing);
            _writing.Clear();
            if (_writing.Capacity > 256 * 1024) _writing.Capacity = 16 * 1024;
            if (!Volatile.Read(ref _stopping)) Thread.Sleep(Gather);
        }
    }

    /// <summary>Writes the text to stdout through the console's own stream, which ignores a closed pipe as Console.Out does.</summary>
    void WriteOut(StringBuilder text)
    {
        lock (WriteGate)
            try
            {
                foreach (var chunk in text.GetChunks()) Encode(chunk.Span, flush: false);
                Encode([], flush: true);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    /// <summary>Chunk by chunk through one encoder, so a surrogate pair split between two chunks stays one character.</summary>
    void Encode(ReadOnlySpan<char> chars, bool flush)
    {
        var count = _encoder.GetByteCount(chars, flush);
        if (_bytes.Length < count) _bytes = new byte[count];
        Stdout.Write(_bytes, 0, _encoder.GetBytes(chars, _bytes, flush));
    }

    void OnExit(object? sender, EventArgs e) => Dispose();

    /// <summary>Writes out what is left and stops the loop; a line logged after this is written at once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _loop.Join(TimeSpan.FromSeconds(2));
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
    }

    sealed class Logger(string category, ConsoleLines sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => sink._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            sink.Append(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
        }
    }
}
