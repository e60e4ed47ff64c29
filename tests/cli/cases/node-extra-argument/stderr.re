sixplane: .*'02:89:e9:30:0c:28'.* \(try 'sixplane node --help'\)
