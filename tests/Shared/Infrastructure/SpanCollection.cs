using System.Collections;
using System.Diagnostics;

namespace Watt.Tests.Infrastructure;

/// <summary>
/// Where OpenTelemetry's in-memory exporter puts spans while a test reads them: adding and enumerating are
/// locked on the collection itself (the exporter adds from other threads), and an enumeration reads a snapshot.
/// </summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (this)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (this)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (this)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (this)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (this)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (this)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        Activity[] snapshot;
        lock (this)
        {
            snapshot = [.. _spans];
        }

        return ((IEnumerable<Activity>)snapshot).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
