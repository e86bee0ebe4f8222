/* sensor_echo: streams the PDM microphone and the board's accelerometer and prints, every
 * second, how many samples arrived, their sums and a CRC-32 of everything received, so
 * the lab can check the samples match what it fed, bit for bit.
 *
 * Build-time variants (defines): SECONDS=n run length; LATE_REARM=1 re-arm the PDM
 * buffer from the main loop, sometimes too late; STOP_DRAIN_AFTER=n stop draining the
 * IMU FIFO after n seconds. */
#include <stdint.h>
#include <stdio.h>
#include "board.h"
#include "lab.h"

#ifndef SECONDS
#define SECONDS 3
#endif
#ifndef LATE_REARM
#define LATE_REARM 0
#endif
#ifndef STOP_DRAIN_AFTER
#define STOP_DRAIN_AFTER 0
#endif

#define AUDIO_BUFFER 160u             /* 10 ms at 16 kHz */
#define TICKS_PER_SECOND 8u           /* drain the IMU FIFO every 125 ms */

static int16_t audio_buffers[2 * AUDIO_BUFFER];

typedef struct {
    uint32_t count, sum, crc;
} stream_stats;

static volatile stream_stats audio, imu;
static volatile uint32_t audio_this_second, imu_this_second;
static volatile uint32_t buffers_done, late_rearms;
static volatile uint32_t ticks;

static uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t length)
{
    crc = ~crc;
    while (length--) {
        crc ^= *data++;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void on_audio(const int16_t *samples, size_t count)
{
    uint32_t sum = audio.sum;
    for (size_t i = 0; i < count; i++)
        sum += (uint32_t)(int32_t)samples[i];
    audio.sum = sum;
    audio.crc = crc32_update(audio.crc, (const uint8_t *)samples, count * sizeof samples[0]);
    audio.count += count;
    audio_this_second += count;
    buffers_done++;
}

static void on_tick(void) { ticks++; }

static void drain_imu(void)
{
    for (int n = imu_available(NULL); n > 0; n--) {
        int16_t xyz[3];
        if (imu_read_accel(xyz))
            return;
        imu.crc = crc32_update(imu.crc, (const uint8_t *)xyz, sizeof xyz);
        imu.sum += (uint32_t)((int32_t)xyz[0] + xyz[1] + xyz[2]);
        imu.count++;
        imu_this_second++;
    }
}

static int draining(uint32_t second)
{
#if STOP_DRAIN_AFTER
    return second < STOP_DRAIN_AFTER;
#else
    (void)second;
    return 1;
#endif
}

static void rearm_late_sometimes(void)
{
    if (!mic_rearm_pending())
        return;
    uint32_t before = buffers_done;
    if (before % 4u == 3u) {          /* dawdle 15 ms: longer than a 10 ms buffer */
        uint32_t start = cycles_now();
        while (cycles_now() - start < CORE_CLOCK_HZ / 1000u * 15u) {
        }
    }
    if (buffers_done != before)       /* END came first: the PDM latched the old pointer */
        late_rearms++;
    mic_rearm();
}

static void report_second(uint32_t second)
{
    uint32_t audio_count = audio_this_second, imu_count = imu_this_second;
    audio_this_second = imu_this_second = 0;
    lab_event("echo", "second=%lu audio=%lu imu=%lu audio_crc=0x%08lx imu_crc=0x%08lx "
              "audio_sum=%lu imu_sum=%lu", (unsigned long)second, (unsigned long)audio_count,
              (unsigned long)imu_count, (unsigned long)audio.crc, (unsigned long)imu.crc,
              (unsigned long)audio.sum, (unsigned long)imu.sum);
}

int main(void)
{
    board_init();
    int imu_ok = imu_init() == 0;
    char rate[16];
    lab_event("sensors", "imu=%d audio_rate=16000 imu_rate=%s", imu_ok,
              lab_format_fixed(rate, sizeof rate, imu_rate_hz, 2));
    console_flush();
    cycles_init();
    mic_rearm_from_caller = LATE_REARM;
    rtc_periodic_start(LFCLK_HZ / TICKS_PER_SECOND, on_tick);
    mic_start(audio_buffers, AUDIO_BUFFER, on_audio);
    uint32_t handled = 0;
    while (handled < SECONDS * TICKS_PER_SECOND) {
        if (LATE_REARM)
            rearm_late_sometimes();
        if (ticks == handled) {
            cpu_disable_irq();
            if (ticks == handled && !(LATE_REARM && mic_rearm_pending()))
                cpu_wfi();
            cpu_enable_irq();
            continue;
        }
        handled++;
        uint32_t second = handled / TICKS_PER_SECOND;
        if (imu_ok && draining(second))
            drain_imu();
        if (handled % TICKS_PER_SECOND == 0)
            report_second(second);
    }
    mic_stop();
    rtc_periodic_stop();
    int fifo = 0, overrun = 0;
    if (imu_ok)
        fifo = imu_available(&overrun);
    lab_event("echo_total", "audio=%lu imu=%lu audio_crc=0x%08lx imu_crc=0x%08lx "
              "late_rearms=%lu fifo=%d overrun=%d", (unsigned long)audio.count,
              (unsigned long)imu.count, (unsigned long)audio.crc, (unsigned long)imu.crc,
              (unsigned long)late_rearms, fifo, overrun);
    lab_done();
    console_flush();
    return 0;
}
