// A fixed-size log-linear latency histogram (about 3% relative error), cheap
// to record into and to merge, so each load thread keeps its own.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace parlor::bench {

class Histogram {
 public:
  static constexpr int kSubBits = 5;  // 32 sub-buckets per power of two
  static constexpr int kLinear = 64;  // values below this are exact
  static constexpr int kBuckets = kLinear + 40 * (1 << kSubBits);

  void record(std::uint64_t v) {
    ++counts_[index(v)];
    ++total_;
    if (v > max_) max_ = v;
  }
  void merge(const Histogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    if (o.max_ > max_) max_ = o.max_;
  }
  void reset() { *this = Histogram{}; }

  std::uint64_t count() const { return total_; }
  std::uint64_t max() const { return max_; }

  // The smallest recorded bucket's upper bound covering fraction q (0..1).
  std::uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen > rank) {
        auto hi = upper(i);
        return hi < max_ ? hi : max_;
      }
    }
    return max_;
  }

 private:
  static int index(std::uint64_t v) {
    if (v < kLinear) return static_cast<int>(v);
    int msb = 63 - std::countl_zero(v);
    int shift = msb - kSubBits;
    int i =
        kLinear + (shift - 1) * (1 << kSubBits) + static_cast<int>((v >> shift) - (1u << kSubBits));
    return i < kBuckets ? i : kBuckets - 1;
  }
  static std::uint64_t upper(int i) {
    if (i < kLinear) return static_cast<std::uint64_t>(i);
    int j = i - kLinear;
    int shift = j / (1 << kSubBits) + 1;
    std::uint64_t top = static_cast<std::uint64_t>(j % (1 << kSubBits) + (1 << kSubBits));
    return ((top + 1) << shift) - 1;
  }

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace parlor::bench
