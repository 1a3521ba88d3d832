# tools/gdb/mm.gdb - loaded by `make debug`.
# QEMU was started with -s -S: it waits on :1234 before the first
# instruction (the BIOS).  `continue` boots GRUB and then the kernel.
set pagination off
set confirm off
target remote :1234
# Stop when the kernel reaches C.
break kmain
echo \nmm.gdb: connected; 'continue' boots to kmain.  Helpers: buddyinfo, pfn ADDR\n

# Print the free counts per zone and order from the live kernel.
define buddyinfo
  set $z = 0
  while $z < sizeof(zones) / sizeof(zones[0])
    if zones[$z].present_pages != 0
      printf "zone %8s", zones[$z].name
      set $o = 0
      while $o < 11
        printf " %6lu", zones[$z].free_area[$o].nr_free
        set $o = $o + 1
      end
      printf "\n"
    end
    set $z = $z + 1
  end
end
document buddyinfo
Free blocks per order for each zone (like /proc/buddyinfo).
end

define pfn
  printf "pfn of %p: %lu\n", $arg0, ((unsigned long)$arg0 - 0xC0000000) >> 12
end
document pfn
pfn ADDR: the page frame number of a kernel direct-map address.
end
